// `psnotify detect <file…> --rules <path>…`: Sigma rules against recorded
// events, read exactly as `replay` reads them. One JSON line per match
// (API.md "Command line"), a summary per rule on standard error at the end,
// and `--stats` with the accounting and the rules that could not be loaded.
import { writeFileSync } from 'node:fs';
import { formatProblem, loadRules, RuleSet, type CompiledRule, type RuleProblem } from '../detect/index.js';
import { readRecords, type ReplayRecord } from '../replay/input/index.js';

export interface DetectOptions {
  rules: string[];
  stats?: string;
}

interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export interface LoadedRules {
  set: RuleSet;
  rules: CompiledRule[];
  skipped: RuleProblem[];
}

/** Loads the rules of `paths` (files or folders of .yml); the bad ones are listed on `stderr` and skipped. */
export function loadRuleSet(paths: string[], stderr: Io['stderr']): LoadedRules | null {
  const { rules, skipped } = loadRules(paths);
  for (const problem of skipped) stderr.write(`psnotify: rule skipped: ${formatProblem(problem)}\n`);
  if (rules.length === 0) {
    stderr.write(`psnotify: --rules ${paths.join(' ')}: no rule could be loaded\n`);
    return null;
  }
  return { set: new RuleSet(rules), rules, skipped };
}

/** The flat event a rule reads from a recorded record: its fields, with the identity of its log. */
export function eventOf(record: ReplayRecord): Record<string, unknown> {
  const event: Record<string, unknown> = { ...record.fields, EventID: record.eventId };
  if (record.channel !== null) event.Channel = record.channel;
  if (record.provider !== null && event.Provider_Name === undefined) event.Provider_Name = record.provider;
  if (record.host !== null && event.Computer === undefined && event.Hostname === undefined) event.Computer = record.host;
  return event;
}

/** One line of the end-of-run summary per rule that matched, most matches first. */
export function ruleSummary(counts: ReadonlyMap<CompiledRule, number>): string[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].title.localeCompare(b[0].title))
    .map(([rule, n]) => `  ${String(n).padStart(6)}  ${rule.level ?? '-'}  ${rule.title} (${rule.id ?? 'no id'})${rule.author ? `, by ${rule.author}` : ''}`);
}

export async function detectCommand(files: string[], options: DetectOptions, io: Io): Promise<number> {
  const loaded = loadRuleSet(options.rules, io.stderr);
  if (loaded === null) return 2;
  const counts = new Map<CompiledRule, number>();
  let records = 0;
  let bad = 0;
  let matches = 0;
  let failedFiles = 0;
  for await (const item of readRecords(files)) {
    if (item.kind === 'file-error') {
      failedFiles++;
      io.stderr.write(`psnotify: ${item.file}${item.member ? ` (${item.member})` : ''}: ${item.message}\n`);
      continue;
    }
    records++;
    if (item.kind === 'bad') {
      bad++;
      io.stderr.write(`psnotify: ${item.file}${item.member ? ` (${item.member})` : ''}: record ${item.record}: ${item.reason}\n`);
      continue;
    }
    const event = eventOf(item);
    for (const rule of loaded.set.match(event)) {
      matches++;
      counts.set(rule, (counts.get(rule) ?? 0) + 1);
      io.stdout.write(`${JSON.stringify({
        rule: { id: rule.id ?? null, title: rule.title, level: rule.level ?? null },
        host: item.host,
        record: item.record,
        file: item.file,
        ...(item.member ? { member: item.member } : {}),
        event,
      })}\n`);
    }
  }
  io.stderr.write(`psnotify: detect: ${records} records (${bad} bad), ${loaded.rules.length} rules, ${matches} matches\n`);
  for (const line of ruleSummary(counts)) io.stderr.write(`${line}\n`);
  if (options.stats !== undefined) {
    writeFileSync(options.stats, `${JSON.stringify({
      records,
      bad,
      matches,
      byRule: Object.fromEntries([...counts].map(([rule, n]) => [rule.id ?? rule.title, n])),
      rules: { loaded: loaded.rules.length, skipped: loaded.skipped.map((p) => ({ path: p.path ?? null, reason: p.reason })) },
    }, null, 2)}\n`);
  }
  return failedFiles > 0 && records === 0 ? 2 : 0;
}
