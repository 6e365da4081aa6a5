// Log-source routing: which events a rule is evaluated on. The three
// categories the engine supports map to Windows events as SigmaHQ's
// Sysmon and Windows-audit pipelines map them:
//   image_load       → Sysmon event 7 (channel Microsoft-Windows-Sysmon/Operational)
//   driver_load      → Sysmon event 6
//   process_creation → Sysmon event 1, and Security event 4688 (channel Security)
// `product`, when present, must be `windows`; `service`, when present, must be
// `sysmon` (Sysmon routes only) or, for process_creation, `security` (4688
// only). A Security 4688 record is seen through toSysmonFields, so rules
// written with Sysmon field names apply to it.
import type { RouteKey, SigmaLogSource } from './types.js';

export const SYSMON_CHANNEL = 'Microsoft-Windows-Sysmon/Operational';
export const SECURITY_CHANNEL = 'Security';
const SYSMON_PROVIDER = 'microsoft-windows-sysmon';
const SECURITY_PROVIDER = 'microsoft-windows-security-auditing';

const CATEGORY_ROUTES: ReadonlyMap<string, readonly RouteKey[]> = new Map<string, readonly RouteKey[]>([
  ['image_load', ['sysmon:7']],
  ['driver_load', ['sysmon:6']],
  ['process_creation', ['sysmon:1', 'security:4688']],
]);

/** The routes of a rule's log source, or the reason it is not supported. */
export function routesFor(ls: SigmaLogSource): readonly RouteKey[] | string {
  const product = ls.product?.toLowerCase();
  const category = ls.category?.toLowerCase();
  const service = ls.service?.toLowerCase();
  if (product !== undefined && product !== 'windows') return `log source product '${ls.product}' is not supported (only windows)`;
  if (category === undefined) return `log source without a category (${service === undefined ? 'none' : `service '${ls.service}'`}) is not supported; supported categories: ${[...CATEGORY_ROUTES.keys()].join(', ')}`;
  const routes = CATEGORY_ROUTES.get(category);
  if (routes === undefined) return `log source category '${ls.category}' is not supported; supported: ${[...CATEGORY_ROUTES.keys()].join(', ')}`;
  if (service === undefined) return routes;
  const narrowed = routes.filter((r) => r.startsWith(`${service}:`));
  if (narrowed.length === 0) return `log source service '${ls.service}' with category '${ls.category}' is not supported`;
  return narrowed;
}

function eventId(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v);
  return null;
}

/**
 * The route of a flat event, or null when no supported rule applies to it.
 * With a `Channel`, it decides (Sysmon or Security, compared
 * case-insensitively); without one, a `Provider_Name` or `SourceName` naming
 * Sysmon or Security-Auditing decides; with neither, the EventID alone does
 * (1, 6, 7 are taken as Sysmon and 4688 as Security).
 */
export function routeOf(event: Readonly<Record<string, unknown>>): RouteKey | null {
  const id = eventId(event['EventID']);
  if (id === null) return null;
  const source = pick(event, 'Channel') ?? pick(event, 'Provider_Name') ?? pick(event, 'SourceName');
  let log: 'sysmon' | 'security' | null;
  if (source === undefined) log = id === 4688 ? 'security' : 'sysmon';
  else {
    const s = source.toLowerCase();
    log = s === SYSMON_CHANNEL.toLowerCase() || s === SYSMON_PROVIDER ? 'sysmon' : s === 'security' || s === SECURITY_PROVIDER ? 'security' : null;
  }
  if (log === 'sysmon' && (id === 1 || id === 6 || id === 7)) return `sysmon:${id}`;
  if (log === 'security' && id === 4688) return 'security:4688';
  return null;
}

function pick(event: Readonly<Record<string, unknown>>, field: string): string | undefined {
  const v = Object.hasOwn(event, field) ? event[field] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** A 4688 process id (`0x1a2c`) as Sysmon writes it (decimal); other text is kept as it is. */
function decimalPid(v: unknown): unknown {
  if (typeof v === 'string' && /^0x[0-9a-f]+$/i.test(v.trim())) return String(parseInt(v.trim().slice(2), 16));
  return v;
}

function account(domain: unknown, user: unknown): string | undefined {
  if (typeof user !== 'string' || user === '' || user === '-') return undefined;
  return typeof domain === 'string' && domain !== '' && domain !== '-' ? `${domain}\\${user}` : user;
}

/**
 * A Security 4688 record with the Sysmon process-creation field names
 * SigmaHQ rules use. The original fields stay; these are set:
 *   Image ← NewProcessName, ParentImage ← ParentProcessName   (SigmaHQ windows-audit mapping)
 *   LogonId ← SubjectLogonId                                   (SigmaHQ windows-audit mapping)
 *   CommandLine ← CommandLine (or ProcessCommandLine when only that is present)
 *   ProcessId ← NewProcessId, ParentProcessId ← ProcessId (the creator), hex → decimal
 *   IntegrityLevel ← MandatoryLabel (the SID form, S-1-16-…; SigmaHQ rules list both forms)
 *   User ← TargetDomainName\TargetUserName (else the Subject account), ParentUser ← SubjectDomainName\SubjectUserName
 * A mapped field whose source the record lacks is left as the record has it
 * (absent, usually); ProcessId always takes the new process's id or is removed.
 */
export function toSysmonFields(event: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...event };
  const get = (f: string): unknown => (Object.hasOwn(event, f) ? event[f] : undefined);
  const set = (f: string, v: unknown): void => {
    if (v !== undefined) out[f] = v;
  };
  // 4688's own ProcessId is the creator's: it never stays under that name.
  delete out['ProcessId'];
  set('Image', get('NewProcessName'));
  set('ParentImage', get('ParentProcessName'));
  set('CommandLine', get('CommandLine') ?? get('ProcessCommandLine'));
  set('ProcessId', decimalPid(get('NewProcessId')));
  set('ParentProcessId', decimalPid(get('ProcessId')));
  set('LogonId', get('SubjectLogonId'));
  set('IntegrityLevel', get('MandatoryLabel'));
  const subject = account(get('SubjectDomainName'), get('SubjectUserName'));
  set('User', account(get('TargetDomainName'), get('TargetUserName')) ?? subject);
  set('ParentUser', subject);
  return out;
}
