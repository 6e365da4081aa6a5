// Shared output for the benchmarks: the machine line and a plain table.
import { cpus, totalmem } from 'node:os';

export type Row = Record<string, number | string>;

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpu} × ${cpus().length} · ${Math.round(totalmem() / 2 ** 30)} GiB`;
}

export function printTable(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  const format = (v: number | string) =>
    typeof v !== 'number' ? v : Number.isInteger(v) ? String(v) : v >= 100 ? v.toFixed(0) : v.toFixed(2);
  const keys = Object.keys(rows[0] ?? {});
  const cells = rows.map((r) => keys.map((k) => String(format(r[k]!))));
  const widths = keys.map((k, i) => Math.max(k.length, ...cells.map((c) => c[i]!.length)));
  console.log(keys.map((k, i) => k.padStart(widths[i]!)).join('  '));
  for (const c of cells) console.log(c.map((v, i) => v.padStart(widths[i]!)).join('  '));
}
