// Located problems with rule files. Inside the compiler a problem travels as
// a RuleError (thrown from deep in a selection, caught once per document);
// callers only ever see the RuleProblem record it becomes.
import type { ProblemCode, RuleProblem } from './types.js';

export class RuleError extends Error {
  readonly code: ProblemCode;
  readonly key: string | undefined;
  readonly line: number | undefined;

  constructor(code: ProblemCode, message: string, key?: string, line?: number) {
    super(message);
    this.name = 'RuleError';
    this.code = code;
    this.key = key;
    this.line = line === 0 ? undefined : line;
  }
}

export interface ProblemContext {
  readonly path: string | undefined;
  readonly document: number;
  readonly id?: string | undefined;
  readonly title?: string | undefined;
}

export function makeProblem(
  ctx: ProblemContext,
  code: ProblemCode,
  reason: string,
  key?: string,
  line?: number,
): RuleProblem {
  return Object.freeze({
    kind: 'problem' as const,
    code,
    reason,
    path: ctx.path,
    id: ctx.id,
    title: ctx.title,
    key,
    line: line === 0 ? undefined : line,
    document: ctx.document,
  });
}

/** A one-line description: `path:line [id] key: reason`. */
export function formatProblem(p: RuleProblem): string {
  const where = p.path === undefined ? '<text>' : p.path;
  const line = p.line === undefined ? '' : `:${p.line}`;
  const doc = p.document > 0 ? ` (document ${p.document + 1})` : '';
  const id = p.id === undefined ? '' : ` [${p.id}]`;
  const key = p.key === undefined ? '' : ` ${p.key}:`;
  return `${where}${line}${doc}${id}${key} ${p.reason}`;
}
