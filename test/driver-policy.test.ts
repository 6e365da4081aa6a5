import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installExampleDriver } from '../drivers/install.js';
import { buildPe, IMAGE_FILE_MACHINE_AMD64, Kernel, STATUS_SUCCESS } from '../src/index.js';
import { collect } from './helpers/output.js';

test('policy flags an unsigned DLL in lsass and nothing that is Windows-signed; it vetoes nothing', () => {
  const kernel = new Kernel({ seed: 4 });
  const out = collect();
  const { driver } = installExampleDriver(kernel, 'policy', out);
  const lsass = kernel.createProcess('C:\\Windows\\System32\\lsass.exe');
  assert.deepEqual(out.lines, []);
  kernel.fs.writeFile('C:\\Temp\\mimi.dll', buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true }));
  const result = lsass.loadLibrary('C:\\Temp\\mimi.dll');
  assert.equal(result.status, STATUS_SUCCESS); // the load goes ahead: callbacks cannot veto
  assert.equal(out.lines.length, 1);
  assert.match(out.lines[0]!, /unsigned image .*mimi\.dll loaded into lsass\.exe/);
  kernel.createProcess('C:\\Windows\\System32\\cmd.exe').loadLibrary('C:\\Temp\\mimi.dll');
  assert.equal(out.lines.length, 1, 'other processes are not protected');
  assert.deepEqual(driver.finish!(), ['policy: 1 unsigned image(s) in protected processes']);
});
