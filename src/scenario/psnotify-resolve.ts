// A module resolve hook (node:module register): the bare specifier 'psnotify'
// names this package, from any folder.
interface ResolveContext {
  parentURL?: string;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{ url: string }>;

let root = '';

export function initialize(data: { root: string }): void {
  root = data.root;
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === 'psnotify' && root) return { url: root, shortCircuit: true };
  return next(specifier, context);
}
