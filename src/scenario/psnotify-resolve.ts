// A module resolve hook (node:module register): the bare specifier 'psnotify'
// names this package, from any folder; and a user's TypeScript driver is an ES
// module even outside a `"type": "module"` package.
interface ResolveContext {
  parentURL?: string;
}
interface Resolved {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<Resolved>;

let root = '';

export function initialize(data: { root: string }): void {
  root = data.root;
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<Resolved> {
  const resolved = await next(specifier === 'psnotify' && root ? root : specifier, context);
  // Driver files are written as ES modules (they import 'psnotify'), wherever they are.
  if (/\.m?ts$/.test(resolved.url) && !resolved.url.includes('/node_modules/') && (resolved.format === 'commonjs' || resolved.format === 'commonjs-typescript')) {
    return { ...resolved, format: resolved.format === 'commonjs' ? 'module' : 'module-typescript' };
  }
  return resolved;
}
