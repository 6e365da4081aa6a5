import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installExampleDriver } from '../drivers/install.js';
import { BugCheck, Kernel, STATUS_SUCCESS } from '../src/index.js';
import { collect } from './helpers/output.js';

test('leaky unloads without removing its routine: 0xCE at the next image load, naming leaky.sys', () => {
  const kernel = new Kernel({ seed: 8 });
  const out = collect();
  const { path } = installExampleDriver(kernel, 'leaky', out);
  kernel.createProcess('C:\\Windows\\System32\\cmd.exe');
  assert.equal(kernel.unloadDriver(path), STATUS_SUCCESS);
  assert.match(out.lines[0]!, /forgetting to remove/);
  assert.throws(() => kernel.createProcess('C:\\Windows\\System32\\notepad.exe'), (e: unknown) => {
    assert.ok(e instanceof BugCheck);
    assert.equal(e.code, 0xce);
    assert.equal(e.driver, 'leaky.sys');
    assert.equal(e.parameters[1], 8n);
    return true;
  });
});
