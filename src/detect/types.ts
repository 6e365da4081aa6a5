// The public shapes of the Sigma engine: a compiled rule, a located problem
// with a rule file (why a rule was not loaded), and the log-source routes an
// event can take (Sysmon 1/6/7, Security 4688).

/** Where an event goes: the Sysmon event IDs and the Security event the supported categories cover. */
export type RouteKey = 'sysmon:1' | 'sysmon:6' | 'sysmon:7' | 'security:4688';

/** A rule's `logsource` block as written. */
export interface SigmaLogSource {
  readonly category?: string;
  readonly product?: string;
  readonly service?: string;
  readonly definition?: string;
}

/** A Sigma rule compiled into a matcher. */
export interface CompiledRule {
  readonly kind: 'rule';
  readonly id: string | undefined;
  readonly title: string;
  readonly status: string | undefined;
  readonly level: string | undefined;
  readonly author: string | undefined;
  readonly description: string | undefined;
  readonly references: readonly string[];
  readonly tags: readonly string[];
  readonly logsource: SigmaLogSource;
  /** The file the rule came from, when known. */
  readonly path: string | undefined;
  /** The event routes whose events this rule is evaluated on. */
  readonly routes: readonly RouteKey[];
  /**
   * Evaluates the detection on one flat event, with no log-source check
   * (RuleSet.match routes events first). Events must already carry Sysmon
   * field names (see toSysmonFields for Security 4688).
   */
  matches(event: Readonly<Record<string, unknown>>): boolean;
}

/** Why a rule (or a document of a rule file) was not loaded. */
export type ProblemCode =
  | 'io' // the file could not be read
  | 'yaml' // not valid YAML
  | 'invalid' // valid YAML that is not a valid Sigma rule
  | 'unknown-modifier' // a field modifier Sigma does not define
  | 'missing-selection' // the condition names a selection that is not defined
  | 'unsupported' // valid Sigma this engine does not evaluate (reason says what)
  | 'correlation' // a correlation rule (needs event history, not single-event matching)
  | 'filter'; // a Sigma filter / meta document, not a detection rule

export interface RuleProblem {
  readonly kind: 'problem';
  readonly code: ProblemCode;
  readonly reason: string;
  readonly path: string | undefined;
  readonly id: string | undefined;
  readonly title: string | undefined;
  /** The offending key, dotted (`detection.selection.CommandLine|contans`, `detection.condition`, `logsource`). */
  readonly key: string | undefined;
  /** 1-based line of the offending key in the file, when known. */
  readonly line: number | undefined;
  /** 0-based index of the YAML document in a multi-document file. */
  readonly document: number;
}

export function isRuleProblem(x: CompiledRule | RuleProblem): x is RuleProblem {
  return x.kind === 'problem';
}
