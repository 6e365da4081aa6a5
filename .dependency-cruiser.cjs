// The layering of shared/spec/ARCHITECTURE.md and docs/architecture.md, checked
// by dependency-cruiser in `npm test` (npm run check:layers). A module imports
// only its own folder or a lower layer, and `import type` counts
// (tsPreCompilationDeps). Lowest first:
//   L0 nt, rtl · L1 ke, ex, fs, pe, ci · L2 ps/notify · L3 mm · L4 ps/process
//   L5 ldr, io · L6 catalog · L7 kernel, then src/index.ts (the public API)
//   L8 scenario, cli, replay, report, detect, fidelity: only src/index.ts and each other.
// drivers/ import only 'psnotify', exactly as a user's driver would.

const L0 = '(nt|rtl)';
const L1 = '(ke|ex|fs|pe|ci)';
const L2 = 'ps/notify';
const L3 = 'mm';
const L4 = 'ps/process';
const L5 = '(ldr|io)';
const L6 = 'catalog';
const L7 = 'kernel';
const L8 = '(scenario|cli|replay|report|detect|fidelity)';
const dir = (folders) => `^src/${folders}/`;
const KERNEL_FOLDERS = '(nt|rtl|ke|ex|fs|pe|ci|ps|mm|ldr|io|catalog|kernel)';

/** `from` may not import any of `higher`. */
const above = (name, from, higher, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: higher.map((h) => (h.startsWith('^') ? h : dir(h))) },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles tie modules together: none in src/, type imports included.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    above('L0-upward', dir(L0), [L1, L2, L3, L4, L5, L6, L7, L8, '^src/index\\.ts$'], 'nt/ and rtl/ import nothing of the project.'),
    // Inside L1, only ex -> ke and ci -> pe (ARCHITECTURE.md).
    above('L1-ke', dir('ke'), ['ex', 'fs', 'pe', 'ci', L2, L3, L4, L5, L6, L7, L8, '^src/index\\.ts$'], 'ke/ sits at the bottom of L1.'),
    above('L1-ex', dir('ex'), ['fs', 'pe', 'ci', L2, L3, L4, L5, L6, L7, L8, '^src/index\\.ts$'], 'ex/ may use ke/ only.'),
    above('L1-fs', dir('fs'), ['ke', 'ex', 'pe', 'ci', L2, L3, L4, L5, L6, L7, L8, '^src/index\\.ts$'], 'the volume stands alone.'),
    above('L1-pe', dir('pe'), ['ke', 'ex', 'fs', 'ci', L2, L3, L4, L5, L6, L7, L8, '^src/index\\.ts$'], 'PE reading stands alone.'),
    above('L1-ci', dir('ci'), ['ke', 'ex', 'fs', L2, L3, L4, L5, L6, L7, L8, '^src/index\\.ts$'], 'code integrity uses pe/ only.'),
    above('L2-upward', dir(L2), [L3, L4, L5, L6, L7, L8, '^src/index\\.ts$'], 'the notify layer knows no memory manager or process.'),
    above('L3-upward', dir(L3), [L4, L5, L6, L7, L8, '^src/index\\.ts$'], 'Mm calls down to Ps notify, never up.'),
    above('L4-upward', dir(L4), [L5, L6, L7, L8, '^src/index\\.ts$'], 'processes get the loader as an interface.'),
    above('L5-upward', dir(L5), [L6, L7, L8, '^src/index\\.ts$'], 'the loader and the I/O manager know no catalog or Kernel.'),
    above('L6-upward', dir(L6), [L7, L8, '^src/index\\.ts$'], 'the builtin system knows no Kernel.'),
    above('L7-upward', dir(L7), [L8, '^src/index\\.ts$'], 'Kernel is the composition root; only src/index.ts imports it.'),
    {
      name: 'kernel-only-from-index',
      comment: 'Nothing inside the kernel layers imports the composition root.',
      severity: 'error',
      from: { path: `^src/${KERNEL_FOLDERS}/`, pathNot: dir(L7) },
      to: { path: dir(L7) },
    },
    {
      name: 'index-not-applications',
      comment: 'The public API does not depend on what is built on it.',
      severity: 'error',
      from: { path: '^src/index\\.ts$' },
      to: { path: dir(L8) },
    },
    {
      name: 'L8-public-api-only',
      comment: 'What users run is built on the public API (src/index.ts), as a user program would be.',
      severity: 'error',
      from: { path: dir(L8) },
      to: { path: `^src/${KERNEL_FOLDERS}/` },
    },
    {
      name: 'library-not-examples',
      comment: 'The library never imports the example drivers (the CLI loads them as modules, like a user driver).',
      severity: 'error',
      from: { path: '^(src/|index\\.ts$)' },
      to: { path: '^drivers/' },
    },
    {
      name: 'drivers-public-api-only',
      comment: "Example drivers import only 'psnotify' (and each other), exactly as a user's driver would.",
      severity: 'error',
      from: { path: '^drivers/' },
      to: { path: '^(src/|index\\.ts$)', pathNot: '^index\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
