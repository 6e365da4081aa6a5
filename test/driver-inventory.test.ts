import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installExampleDriver } from '../drivers/install.js';
import { Kernel, STATUS_SUCCESS } from '../src/index.js';
import { collect } from './helpers/output.js';

test('inventory lists each process\'s modules in load order and forgets nothing', () => {
  const kernel = new Kernel({ seed: 1 });
  const { driver, status } = installExampleDriver(kernel, 'inventory', collect());
  assert.equal(status, STATUS_SUCCESS);
  const cmd = kernel.createProcess('C:\\Windows\\System32\\cmd.exe');
  const notepad = kernel.createProcess('C:\\Windows\\SysWOW64\\notepad.exe');
  const lines = driver.finish!();
  const header = lines.findIndex((l) => l.startsWith(`cmd.exe (pid ${cmd.pid}): ${cmd.modules.length} modules`));
  assert.ok(header >= 0, lines.join('\n'));
  assert.match(lines[header + 1]!, /cmd\.exe$/);
  assert.match(lines[header + 2]!, /ntdll\.dll$/);
  assert.ok(lines.some((l) => l.startsWith(`notepad.exe (pid ${notepad.pid}): ${notepad.modules.length} modules`)));
});
