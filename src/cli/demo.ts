// The builtin demo (`psnotify demo`, `npm start`): a Windows 11 machine with
// three example drivers watching a few process starts, an injection into a
// suspended process, and a driver load.
import type { Scenario } from '../scenario/schema.js';

export const demoScenario: Scenario = {
  name: 'demo',
  description: 'Windows 11 23H2 x64: sysmon, inventory and injector watch explorer, cmd, a WoW64 notepad, an injection before resume, and a driver load',
  build: 22631,
  machine: 'amd64',
  system: 'builtin',
  seed: 1,
  drivers: ['sysmon', 'inventory', 'injector'],
  steps: [
    { kind: 'createProcess', args: { path: 'C:\\Windows\\explorer.exe' } },
    { kind: 'createProcess', args: { path: 'C:\\Windows\\System32\\cmd.exe' } },
    { kind: 'createProcess', args: { path: 'C:\\Windows\\SysWOW64\\notepad.exe', as: 'notepad32' } },
    { kind: 'expect', args: { process: 'notepad32', order: ['notepad.exe', 'ntdll.dll', 'ntdll.dll', 'wow64.dll'] } },
    { kind: 'writeFile', args: { path: 'C:\\Tools\\hook.dll', pe: { machine: 'amd64', dll: true, exports: ['Hook'] } } },
    { kind: 'createProcess', args: { path: 'C:\\Windows\\System32\\svchost.exe', suspended: true, as: 'svchost' } },
    { kind: 'mapImage', args: { process: 'svchost', path: 'C:\\Tools\\hook.dll' } },
    { kind: 'resume', args: { process: 'svchost' } },
    { kind: 'expect', args: { process: 'svchost', order: ['hook.dll', 'svchost.exe', 'ntdll.dll'] } },
    { kind: 'loadDriver', args: { path: 'C:\\Windows\\System32\\drivers\\tcpip.sys' } },
    { kind: 'expect', args: { image: 'tcpip.sys', fields: { SystemModeImage: 1 } } },
  ],
};
