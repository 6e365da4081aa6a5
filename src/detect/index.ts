// The Sigma rule engine's public surface: compile rule YAML, load rule
// folders, flatten exported events, and match events against a rule set
// (docs/detect.md).
export { compileRule, compileRules } from './compile.js';
export { flattenEvent } from './flatten.js';
export { parseJsonEvents } from './json-stream.js';
export { loadRules, type LoadResult } from './load.js';
export { routeOf, routesFor, SECURITY_CHANNEL, SYSMON_CHANNEL, toSysmonFields } from './logsource.js';
export { formatProblem } from './problem.js';
export { RuleSet, type RuleSetOptions } from './ruleset.js';
export { isRuleProblem, type CompiledRule, type ProblemCode, type RouteKey, type RuleProblem, type SigmaLogSource } from './types.js';
