// `expect` steps: assertions on what the routines saw, so a scenario is a test.
import * as nt from '../index.js';
import { bugCheckName, hex32, statusName, type Kernel, type Process } from '../index.js';
import type { Notification } from './notification.js';
import type { stepSchemas } from './schema.js';
import type { z } from 'zod';

type Expectation = z.infer<(typeof stepSchemas)['expect']>;

export interface ExpectContext {
  kernel: Kernel;
  notifications: readonly Notification[];
  lastStatus: number | null;
  findProcess(name: string): Process;
  processes: ReadonlyMap<string, Process>;
  /** The Sigma matches of the run so far. */
  matches: readonly RuleMatch[];
}

/** A Sigma rule that matched a Sysmon record of the run, and the notification that caused it. */
export interface RuleMatch {
  rule: { id: string | undefined; title: string; level: string | undefined; author: string | undefined };
  /** seq of the notification whose dispatch produced the record. */
  seq: number;
  event: Record<string, unknown>;
}

/** The last component of an NT or DOS path: what the table and `expect` call an image. */
export function shortName(fullImageName: string | null): string {
  return fullImageName === null ? '(null)' : fullImageName.slice(Math.max(fullImageName.lastIndexOf('\\'), fullImageName.lastIndexOf('/')) + 1);
}

function statusValue(value: number | string): number {
  if (typeof value === 'number') return value >>> 0;
  if (value.startsWith('0x')) return Number.parseInt(value, 16) >>> 0;
  const known = (nt as unknown as Record<string, unknown>)[value];
  if (typeof known !== 'number') throw new Error(`unknown status ${value}`);
  return known;
}

/** Null when the expectation holds, else why not. */
export function checkExpectation(e: Expectation, c: ExpectContext): string | null {
  let selected = c.notifications;
  if (e.process !== undefined) {
    const pid = c.findProcess(e.process).pid;
    selected = selected.filter((n) => n.processId === pid);
  }
  if (e.image !== undefined) {
    const image = e.image.toLowerCase();
    selected = selected.filter((n) => shortName(n.fullImageName).toLowerCase() === image);
  }
  if (e.rule !== undefined) {
    // A detection test: how many times the rule (by id or title) matched so far.
    const wanted = e.rule.toLowerCase();
    const seen = c.matches.filter((m) => m.rule.id?.toLowerCase() === wanted || m.rule.title.toLowerCase() === wanted).length;
    if (e.count !== undefined ? seen !== e.count : seen === 0) {
      return `expected rule ${JSON.stringify(e.rule)} to match ${e.count !== undefined ? `${e.count} time(s)` : 'at least once'}, it matched ${seen} time(s)`;
    }
    return null;
  }
  const about = [e.image && `image ${e.image}`, e.process && `process ${e.process}`].filter(Boolean).join(' in ') || 'all images';
  if (e.count !== undefined && selected.length !== e.count) {
    return `expected ${e.count} notification(s) of ${about}, saw ${selected.length}`;
  }
  if (e.order !== undefined) {
    const seen = selected.slice(0, e.order.length).map((n) => shortName(n.fullImageName));
    if (seen.length !== e.order.length || seen.some((name, i) => name.toLowerCase() !== e.order![i]!.toLowerCase())) {
      return `expected the first notifications of ${about} to be [${e.order.join(', ')}], saw [${seen.join(', ')}]`;
    }
  }
  if (e.fields !== undefined) {
    const first = selected[0];
    if (first === undefined) return `expected a notification of ${about}, saw none`;
    for (const [field, expected] of Object.entries(e.fields)) {
      const actual = (first.imageInfo as Record<string, unknown>)[field];
      if (actual !== expected) return `${about}: expected ${field} = ${expected}, saw ${String(actual)}`;
    }
  }
  if (e.bugCheck !== undefined) {
    const actual = c.kernel.bugCheck;
    if (actual === null) return `expected bug check 0x${e.bugCheck.toString(16)} (${bugCheckName(e.bugCheck)}), the machine is running`;
    if (actual.code !== e.bugCheck) return `expected bug check 0x${e.bugCheck.toString(16)}, got 0x${actual.code.toString(16)} (${bugCheckName(actual.code)})`;
  }
  if (e.status !== undefined) {
    const expected = statusValue(e.status);
    if (c.lastStatus !== expected) {
      return `expected the previous step to return ${statusName(expected)} (0x${hex32(expected)}), it returned ${c.lastStatus === null ? 'nothing' : statusName(c.lastStatus)}`;
    }
  }
  return null;
}
