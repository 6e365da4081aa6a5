import type { DriverOutput } from '../../drivers/example-driver.js';

/** A DriverOutput that keeps what it is given. */
export function collect(): DriverOutput & { events: Record<string, unknown>[]; lines: string[] } {
  const events: Record<string, unknown>[] = [];
  const lines: string[] = [];
  return { events, lines, event: (r) => void events.push(r), log: (l) => void lines.push(l) };
}
