// Walks over input of any depth: an import chain of 20,000 DLLs, a cycle, a
// chain of kernel DLLs — no JS stack overflow, every image loaded once, in
// depth-first order (issue 9: no recursion limits).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPe, IMAGE_FILE_MACHINE_AMD64, Kernel, NT_SUCCESS } from '../src/index.js';

const PE = { machine: IMAGE_FILE_MACHINE_AMD64 } as const;

function chainKernel(): Kernel {
  const kernel = new Kernel({ system: 'none', seed: 1 });
  kernel.fs.writeFile('C:\\Windows\\System32\\ntdll.dll', buildPe({ ...PE, dll: true, exports: ['F'] }));
  kernel.fs.writeFile('C:\\Windows\\System32\\kernel32.dll', buildPe({ ...PE, dll: true, exports: ['F'] }));
  return kernel;
}

test('LoadLibrary walks an import chain 20,000 DLLs deep without recursion', () => {
  const kernel = chainKernel();
  const depth = 20_000;
  for (let i = 0; i < depth; i++) {
    const imports = i + 1 < depth ? { [`d${i + 1}.dll`]: ['F'] } : {};
    kernel.fs.writeFile(`C:\\chain\\d${i}.dll`, buildPe({ ...PE, dll: true, exports: ['F'], imports }));
  }
  kernel.fs.writeFile('C:\\chain\\app.exe', buildPe({ ...PE }));
  const names: string[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((name) => void names.push(name ?? ''));
  const process = kernel.createProcess('C:\\chain\\app.exe');
  names.length = 0;
  const { status } = process.loadLibrary('C:\\chain\\d0.dll');
  assert.ok(NT_SUCCESS(status));
  assert.equal(names.length, depth);
  assert.match(names[0]!, /\\d0\.dll$/);
  assert.match(names.at(-1)!, /\\d19999\.dll$/);
});

test('an import cycle loads each DLL once', () => {
  const kernel = chainKernel();
  kernel.fs.writeFile('C:\\cycle\\a.dll', buildPe({ ...PE, dll: true, exports: ['F'], imports: { 'b.dll': ['F'] } }));
  kernel.fs.writeFile('C:\\cycle\\b.dll', buildPe({ ...PE, dll: true, exports: ['F'], imports: { 'c.dll': ['F'] } }));
  kernel.fs.writeFile('C:\\cycle\\c.dll', buildPe({ ...PE, dll: true, exports: ['F'], imports: { 'a.dll': ['F'] } }));
  kernel.fs.writeFile('C:\\cycle\\app.exe', buildPe({ ...PE, imports: { 'a.dll': ['F'] } }));
  const names: string[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((name) => void names.push((name ?? '').replace(/.*\\/, '')));
  kernel.createProcess('C:\\cycle\\app.exe');
  assert.deepEqual(names.filter((n) => /^[abc]\.dll$/.test(n)), ['a.dll', 'b.dll', 'c.dll']);
});

test('a driver importing a chain of 5,000 kernel DLLs loads them deepest first, without recursion', () => {
  const kernel = new Kernel({ system: 'none', seed: 1 });
  const depth = 5_000;
  for (let i = 0; i < depth; i++) {
    const imports = i + 1 < depth ? { [`k${i + 1}.dll`]: ['F'] } : {};
    kernel.fs.writeFile(`C:\\Windows\\System32\\drivers\\k${i}.dll`, buildPe({ ...PE, driver: true, exports: ['F'], imports }));
  }
  kernel.fs.writeFile('C:\\Windows\\System32\\drivers\\deep.sys', buildPe({ ...PE, driver: true, imports: { 'k0.dll': ['F'] } }));
  const names: string[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((name) => void names.push((name ?? '').replace(/.*\\/, '')));
  assert.equal(kernel.loadDriver('C:\\Windows\\System32\\drivers\\deep.sys'), 0);
  assert.equal(names.length, depth + 1);
  assert.deepEqual([names[0], names.at(-2), names.at(-1)], ['k4999.dll', 'k0.dll', 'deep.sys']);
  // Unloading drops the whole chain (each image referenced once) without recursion either.
  assert.equal(kernel.unloadDriver('C:\\Windows\\System32\\drivers\\deep.sys'), 0);
  assert.equal(kernel.loadDriver('C:\\Windows\\System32\\drivers\\deep.sys'), 0);
  assert.equal(names.length, 2 * (depth + 1), 'reloading reports the whole chain again: it had been freed');
});
