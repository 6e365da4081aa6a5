// Sigma rule YAML → compiled rules. Each `---` document is one rule (or a
// correlation / filter document, which is reported and skipped). A rule is
// compiled completely — every selection, every modifier, the condition, the
// log source — or not at all: the first thing the engine cannot evaluate
// becomes a located RuleProblem, so no rule is ever half-evaluated.
import { ConditionError, namesMatching, parseCondition, type CondAst } from './condition.js';
import { EventView } from './event-view.js';
import { routesFor } from './logsource.js';
import { andAtoms, orAtoms, type Atom, type Matcher } from './matcher.js';
import { compileItem, compileKeyword } from './modifiers.js';
import { makeProblem, RuleError, type ProblemContext } from './problem.js';
import type { CompiledRule, RouteKey, RuleProblem, SigmaLogSource } from './types.js';
import { entry, parseYamlDocuments, scalarText, stringList, type YNode } from './yaml-tree.js';

/** What a RuleSet needs beyond the public shape: the view-level test and the prefilter atoms. */
export interface RuleInternals {
  readonly test: (view: EventView) => boolean;
  readonly atoms: readonly Atom[] | null;
}

const internals = new WeakMap<CompiledRule, RuleInternals>();

/** The compiled test of a rule made by this module (RuleSet's access). */
export function ruleInternals(rule: CompiledRule): RuleInternals {
  const i = internals.get(rule);
  if (i === undefined) throw new TypeError('rule: not a rule compiled by compileRule/loadRules');
  return i;
}

class SigmaRule implements CompiledRule {
  readonly kind = 'rule' as const;
  readonly id: string | undefined;
  readonly title: string;
  readonly status: string | undefined;
  readonly level: string | undefined;
  readonly author: string | undefined;
  readonly description: string | undefined;
  readonly references: readonly string[];
  readonly tags: readonly string[];
  readonly logsource: SigmaLogSource;
  readonly path: string | undefined;
  readonly routes: readonly RouteKey[];
  readonly #test: (view: EventView) => boolean;

  constructor(meta: Omit<CompiledRule, 'kind' | 'matches'>, test: (view: EventView) => boolean) {
    this.id = meta.id;
    this.title = meta.title;
    this.status = meta.status;
    this.level = meta.level;
    this.author = meta.author;
    this.description = meta.description;
    this.references = Object.freeze([...meta.references]);
    this.tags = Object.freeze([...meta.tags]);
    this.logsource = Object.freeze({ ...meta.logsource });
    this.path = meta.path;
    this.routes = Object.freeze([...meta.routes]);
    this.#test = test;
  }

  matches(event: Readonly<Record<string, unknown>>): boolean {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new TypeError('event must be a plain object of fields');
    return this.#test(new EventView(event));
  }
}

function andMatchers(ms: readonly Matcher[]): Matcher {
  if (ms.length === 1) return ms[0]!;
  const tests = ms.map((m) => m.test);
  return {
    test: (view) => {
      for (let k = 0; k < tests.length; k++) if (!tests[k]!(view)) return false;
      return true;
    },
    atoms: andAtoms(ms.map((m) => m.atoms)),
  };
}

function orMatchers(ms: readonly Matcher[]): Matcher {
  if (ms.length === 1) return ms[0]!;
  const tests = ms.map((m) => m.test);
  return {
    test: (view) => {
      for (let k = 0; k < tests.length; k++) if (tests[k]!(view)) return true;
      return false;
    },
    atoms: orAtoms(ms.map((m) => m.atoms)),
  };
}

function atLeast(n: number, ms: readonly Matcher[]): Matcher {
  const tests = ms.map((m) => m.test);
  return {
    test: (view) => {
      let hits = 0;
      for (let k = 0; k < tests.length; k++) if (tests[k]!(view) && ++hits >= n) return true;
      return false;
    },
    atoms: orAtoms(ms.map((m) => m.atoms)),
  };
}

function compileMap(node: Extract<YNode, { t: 'map' }>, keyPath: string): Matcher {
  if (node.entries.length === 0) throw new RuleError('invalid', 'empty selection', keyPath, node.line);
  return andMatchers(node.entries.map((e) => compileItem(e.key, e.value, { key: `${keyPath}.${e.key}`, line: e.line })));
}

/** A search identifier: a map (AND of items), a list (OR of maps and keywords) or a single keyword. */
function compileSelection(node: YNode, keyPath: string, line: number): Matcher {
  if (node.t === 'map') return compileMap(node, keyPath);
  if (node.t === 'scalar') {
    if (node.value === null) throw new RuleError('invalid', 'a selection cannot be null', keyPath, line);
    return compileKeyword(node, { key: keyPath, line: node.line || line });
  }
  if (node.items.length === 0) throw new RuleError('invalid', 'empty selection list', keyPath, line);
  return orMatchers(
    node.items.map((item, k) => {
      const place = `${keyPath}[${k}]`;
      if (item.t === 'map') return compileMap(item, place);
      if (item.t === 'scalar' && item.value !== null) return compileKeyword(item, { key: place, line: item.line || line });
      throw new RuleError('invalid', 'a selection list may hold maps and keywords only', place, item.line || line);
    }),
  );
}

function compileCondition(ast: CondAst, sels: ReadonlyMap<string, Matcher>, line: number): Matcher {
  const missing = (what: string): never => {
    throw new RuleError('missing-selection', what, 'detection.condition', line);
  };
  switch (ast.t) {
    case 'id':
      return sels.get(ast.name) ?? missing(`condition names selection '${ast.name}', which is not defined`);
    case 'of': {
      const names = namesMatching(ast.pattern, [...sels.keys()]);
      const label = `${ast.quant} of ${ast.pattern ?? 'them'}`;
      if (names.length === 0) missing(`'${label}' matches no selection`);
      const ms = names.map((n) => sels.get(n)!);
      if (ast.quant === 'all') return andMatchers(ms);
      if (ast.quant === 1) return orMatchers(ms);
      return atLeast(ast.quant, ms);
    }
    case 'not': {
      const inner = compileCondition(ast.e, sels, line).test;
      return { test: (view) => !inner(view), atoms: null };
    }
    case 'and':
      return andMatchers(ast.items.map((i) => compileCondition(i, sels, line)));
    case 'or':
      return orMatchers(ast.items.map((i) => compileCondition(i, sels, line)));
  }
}

function compileDetection(root: YNode): Matcher {
  const det = entry(root, 'detection');
  if (det === undefined) throw new RuleError('invalid', "the rule has no 'detection'", 'detection');
  if (det.value.t !== 'map') throw new RuleError('invalid', "'detection' must be a map", 'detection', det.line);
  const sels = new Map<string, Matcher>();
  let cond: { line: number; texts: string[] } | undefined;
  for (const e of det.value.entries) {
    if (e.key === 'condition') {
      const v = e.value;
      const texts = v.t === 'scalar' && typeof v.value === 'string' ? [v.text] : v.t === 'seq' && v.items.length > 0 && v.items.every((i) => i.t === 'scalar' && typeof i.value === 'string') ? v.items.map((i) => (i as { text: string }).text) : undefined;
      if (texts === undefined) throw new RuleError('invalid', "'condition' must be a string or a list of strings", 'detection.condition', e.line);
      cond = { line: e.line, texts };
      continue;
    }
    if (e.key === 'timeframe') throw new RuleError('unsupported', "'timeframe' (Sigma v1 aggregation window) is not supported; use a correlation rule", 'detection.timeframe', e.line);
    sels.set(e.key, compileSelection(e.value, `detection.${e.key}`, e.line));
  }
  if (cond === undefined) throw new RuleError('invalid', "the detection has no 'condition'", 'detection.condition', det.line);
  const line = cond.line;
  const parts = cond.texts.map((text) => {
    let ast: CondAst;
    try {
      ast = parseCondition(text);
    } catch (e) {
      if (e instanceof ConditionError) {
        const shown = text.length > 120 ? `${text.slice(0, 120)}…` : text;
        throw new RuleError(e.unsupported ? 'unsupported' : 'invalid', `condition '${shown}': ${e.message.length > 200 ? `${e.message.slice(0, 200)}…` : e.message}`, 'detection.condition', line);
      }
      throw e;
    }
    return compileCondition(ast, sels, line);
  });
  // A list of conditions is an OR of them (rules specification, "Condition").
  return orMatchers(parts);
}

function readLogsource(root: YNode): { ls: SigmaLogSource; line: number } {
  const e = entry(root, 'logsource');
  if (e === undefined) throw new RuleError('invalid', "the rule has no 'logsource'", 'logsource');
  if (e.value.t !== 'map') throw new RuleError('invalid', "'logsource' must be a map", 'logsource', e.line);
  const ls: Record<string, string> = {};
  for (const f of e.value.entries) {
    const text = scalarText(f.value);
    if (text === undefined) throw new RuleError('invalid', `'logsource.${f.key}' must be a plain value`, `logsource.${f.key}`, f.line);
    if (f.key === 'category' || f.key === 'product' || f.key === 'service' || f.key === 'definition') ls[f.key] = text;
  }
  return { ls, line: e.line };
}

function compileDocument(root: YNode, path: string | undefined, document: number): CompiledRule | RuleProblem {
  const idText = scalarText(entry(root, 'id')?.value);
  const titleText = scalarText(entry(root, 'title')?.value);
  const ctx: ProblemContext = { path, document, id: idText, title: titleText };
  if (root.t !== 'map') return makeProblem(ctx, 'invalid', 'a rule document must be a map', undefined, root.line);
  const top = (k: string) => entry(root, k);
  const corr = top('correlation');
  if (corr !== undefined) return makeProblem(ctx, 'correlation', 'correlation rule: needs event history, not single-event matching', 'correlation', corr.line);
  const filter = top('filter');
  if (filter !== undefined) return makeProblem(ctx, 'filter', 'Sigma filter document: it modifies other rules and is not a detection by itself', 'filter', filter.line);
  const action = top('action');
  if (action !== undefined) return makeProblem(ctx, 'unsupported', `Sigma v1 rule collection document (action: ${scalarText(action.value) ?? '?'}) is not supported`, 'action', action.line);
  try {
    if (titleText === undefined) throw new RuleError('invalid', "the rule has no 'title'", 'title', top('title')?.line);
    const idNode = top('id');
    if (idNode !== undefined && idText === undefined) throw new RuleError('invalid', "'id' must be a plain value", 'id', idNode.line);
    const detection = compileDetection(root);
    const { ls, line } = readLogsource(root);
    const routes = routesFor(ls);
    if (typeof routes === 'string') throw new RuleError('unsupported', routes, 'logsource', line);
    const authors = stringList(top('author')?.value);
    const rule = new SigmaRule(
      {
        id: idText,
        title: titleText,
        status: scalarText(top('status')?.value),
        level: scalarText(top('level')?.value),
        author: authors.length === 0 ? undefined : authors.join(', '),
        description: scalarText(top('description')?.value),
        references: stringList(top('references')?.value),
        tags: stringList(top('tags')?.value),
        logsource: ls,
        path,
        routes,
      },
      detection.test,
    );
    internals.set(rule, { test: detection.test, atoms: detection.atoms });
    return rule;
  } catch (e) {
    if (e instanceof RuleError) return makeProblem(ctx, e.code, e.message, e.key, e.line);
    throw e;
  }
}

/** Compiles every document of a rule file; empty documents are ignored. */
export function compileRules(yamlText: string, source?: string): (CompiledRule | RuleProblem)[] {
  if (typeof yamlText !== 'string') throw new TypeError('yamlText must be a string');
  if (source !== undefined && typeof source !== 'string') throw new TypeError('source must be a string (a file path) when given');
  const out: (CompiledRule | RuleProblem)[] = [];
  parseYamlDocuments(yamlText).forEach((doc, k) => {
    if (!doc.ok) out.push(makeProblem({ path: source, document: k, id: doc.idGuess }, 'yaml', `invalid YAML: ${doc.message}`, doc.keyGuess, doc.line));
    else if (doc.root !== null) out.push(compileDocument(doc.root, source, k));
  });
  if (out.length === 0) out.push(makeProblem({ path: source, document: 0 }, 'invalid', 'no rule in the text (empty YAML)'));
  return out;
}

/** Compiles a one-document rule; a text with several documents is a problem (use compileRules). */
export function compileRule(yamlText: string, source?: string): CompiledRule | RuleProblem {
  const all = compileRules(yamlText, source);
  if (all.length > 1) {
    const first = all[0]!;
    return makeProblem({ path: source, document: 1, id: first.id, title: first.title }, 'invalid', `the text holds ${all.length} YAML documents; compileRule takes one (use compileRules or loadRules)`);
  }
  return all[0]!;
}
