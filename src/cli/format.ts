// How notifications are printed: an 80-column table, JSON lines, bug checks.
import { bugCheckName, type BugCheck } from '../index.js';
import { propertyBits } from './properties.js';
import type { Notification } from '../scenario/run.js';
import { shortName } from '../scenario/expect.js';

const fit = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));

/** Letters for the routines' drivers (a, b, c, …), so the table stays 80 columns wide. */
export class RoutineLegend {
  readonly #letters = new Map<string, string>();

  has(driver: string): boolean {
    return this.#letters.has(driver);
  }

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

/**
 * Image names for the table: the base name, and its folder too where the same
 * process has already reported that name from another folder — the two ntdlls
 * of a WoW64 process read `ntdll.dll` and `SysWOW64\\ntdll.dll`; a DLL planted
 * beside a program shows where the second copy came from.
 */
export class ImageNamer {
  /** `${pid}\0${folded base name}` → the folded full name first reported. */
  readonly #first = new Map<string, string>();

  name(n: Notification): string {
    const full = n.fullImageName;
    if (full === null) return '(null)';
    const base = shortName(full);
    const key = `${n.processId}\0${base.toLowerCase()}`;
    const folded = full.toLowerCase();
    const first = this.#first.get(key);
    if (first === undefined) this.#first.set(key, folded);
    if (first === undefined || first === folded) return base;
    const folder = full.slice(0, full.length - base.length - 1);
    return `${folder.slice(Math.max(folder.lastIndexOf('\\'), folder.lastIndexOf('/')) + 1)}\\${base}`;
  }
}

// Column widths: with six routine letters ("called") a row is 80 characters.
const IMAGE_WIDTH = 20;
const INFO_WIDTH = 24; // 'usr C/3 mismatch partial'

export const TABLE_HEADER = `${'ms'.padStart(7)} ${fit('process', 13)} ${'pid'.padStart(5)} ${fit('image', IMAGE_WIDTH)} ${fit('IMAGE_INFO', INFO_WIDTH)} called`;

export function tableRow(n: Notification, wide: boolean, legend: RoutineLegend, names: ImageNamer): string {
  const image = wide ? (n.fullImageName ?? '(null)') : names.name(n);
  return `${n.timeMs.toFixed(2).padStart(7)} ${fit(n.process, 13)} ${String(n.processId).padStart(5)} ${fit(image, wide ? Math.max(IMAGE_WIDTH, image.length) : IMAGE_WIDTH)} ${fit(propertyBits(n.properties), INFO_WIDTH)} ${legend.column(n)}`;
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
