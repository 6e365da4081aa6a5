// How notifications are printed: an 80-column table, JSON lines, bug checks.
import type { BugCheck } from '../ke/bugcheck.js';
import { bugCheckName } from '../ke/bugcheck.js';
import {
  MACHINE_TYPE_MISMATCH,
  PARTIAL_MAP,
  SIGNATURE_LEVEL_MASK,
  SIGNATURE_LEVEL_SHIFT,
  SIGNATURE_TYPE_MASK,
  SIGNATURE_TYPE_SHIFT,
  SYSTEM_MODE_IMAGE,
} from '../nt/image-info.js';
import type { Notification } from '../scenario/run.js';
import { shortName } from '../scenario/expect.js';

const fit = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));

/** `usr C/3`, `sys 4/1`, `usr 0/0 mm part`: who, signing level/type, mismatch, partial. */
export function propertyBits(properties: number): string {
  const level = (properties & SIGNATURE_LEVEL_MASK) >>> SIGNATURE_LEVEL_SHIFT;
  const type = (properties & SIGNATURE_TYPE_MASK) >>> SIGNATURE_TYPE_SHIFT;
  let text = `${properties & SYSTEM_MODE_IMAGE ? 'sys' : 'usr'} ${level.toString(16).toUpperCase()}/${type}`;
  if (properties & MACHINE_TYPE_MISMATCH) text += ' mm';
  if (properties & PARTIAL_MAP) text += ' part';
  return text;
}

/** Letters for the routines' drivers (a, b, c, …), so the table stays 80 columns wide. */
export class RoutineLegend {
  readonly #letters = new Map<string, string>();

  letterOf(driver: string): string {
    let letter = this.#letters.get(driver);
    if (letter === undefined) {
      letter = String.fromCharCode(97 + (this.#letters.size % 26));
      this.#letters.set(driver, letter);
    }
    return letter;
  }

  column(n: Notification): string {
    return n.routines.map((r) => this.letterOf(r.owner ? r.owner.fileName : 'harness')).join('') || '-';
  }

  lines(): string[] {
    return [...this.#letters].map(([driver, letter]) => `  ${letter} = ${driver}`);
  }
}

export const TABLE_HEADER = `${'ms'.padStart(7)} ${fit('process', 13)} ${'pid'.padStart(5)} ${fit('image', 24)} ${fit('IMAGE_INFO', 15)} routines`;

export function tableRow(n: Notification, wide: boolean, legend: RoutineLegend): string {
  const image = wide ? (n.fullImageName ?? '(null)') : shortName(n.fullImageName);
  return `${n.timeMs.toFixed(2).padStart(7)} ${fit(n.process, 13)} ${String(n.processId).padStart(5)} ${fit(image, wide ? Math.max(24, image.length) : 24)} ${fit(propertyBits(n.properties), 15)} ${legend.column(n)}`;
}

/** The stable JSON shape of one notification (docs/output.md). */
export function notificationJson(n: Notification): Record<string, unknown> {
  return {
    seq: n.seq,
    timeMs: n.timeMs,
    step: n.step,
    processId: n.processId,
    process: n.process,
    fullImageName: n.fullImageName,
    imageBase: `0x${n.imageBase.toString(16)}`,
    imageSize: n.imageSize,
    properties: n.properties,
    imageInfo: n.imageInfo,
    routines: n.routines.map((r) => ({ driver: r.owner?.fileName ?? null, address: `0x${r.address.toString(16)}`, flags: r.flags })),
  };
}

const parameterMeaning: Record<number, string[]> = {
  0xce: ['memory referenced (the stale routine)', 'access type (8 = execute)', 'address that referenced it', 'reserved'],
  0x7e: ['exception code', 'address of the exception', 'exception record', 'context record'],
};

/** A debugger's !analyze header for a bug check. */
export function analyze(bugCheck: BugCheck): string[] {
  const p = bugCheck.parameters.map((x) => x.toString(16));
  const meanings = parameterMeaning[bugCheck.code] ?? ['', '', '', ''];
  return [
    '*******************************************************************************',
    '*                        Bugcheck Analysis                                    *',
    '*******************************************************************************',
    '',
    `${bugCheckName(bugCheck.code)} (${bugCheck.code.toString(16)})`,
    ...p.map((value, i) => `Arg${i + 1}: ${value.padStart(16, '0')}${meanings[i] ? `, ${meanings[i]}` : ''}`),
    '',
    `BugCheck ${bugCheck.code.toString(16).toUpperCase()}, {${p.join(', ')}}`,
    `Probably caused by : ${bugCheck.driver ?? 'unknown'}`,
    '',
    bugCheck.message.replace(/^\*\*\* STOP: \S+ \([^)]*\) \S+ (— driver \S+ )?/, ''),
  ];
}
