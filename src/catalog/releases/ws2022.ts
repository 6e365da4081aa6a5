// Windows Server 2022 (20348, and the builds between 19045 and 22000): DC01 of OTRF
// cmd_dumping_ntds_dit_file_ntdsutil (ntdll 10.0.20348.1607). 2004's tables, but SHCore imports
// nothing that is not loaded by then (conhost imports advapi32, user32 and combase itself; cmd
// loads SHCore at run time alone), and WoW64 gains wow64base.dll and wow64con.dll.
import type { ReleaseDefinition } from '../release-types.js';
import { CORE, NTDLL } from '../import-sets.js';
import { dlls, ONE_SHOT_CMD } from './names.js';

/** svchost's own start before the service DLL (as -k swprv shows it). */
const SVCHOST_OWN = 'msvcrt advapi32';
const SVCHOST_COM = 'combase wldp kernel.appcore bcryptprimitives user32 win32u gdi32 gdi32full msvcp_win';

export const WS2022: ReleaseDefinition = {
  id: 'ws2022',
  name: 'Windows Server 2022',
  firstBuild: 19046,
  lastBuild: 21999,
  fileVersion: '10.0.20348.1 (WinBuild.160101.0800)',
  base: 'win10-2004',
  evidence: 'OTRF cmd_dumping_ntds_dit_file_ntdsutil (DC01, ntdll 10.0.20348.1607): 1 cmd, 1 conhost, 1 svchost start',
  add: [
    { name: 'wow64base.dll', kind: 'dll', folder: 'system', description: 'Wow64 Base', size64: 0x13000, size32: 0, wow64Twin: false, only64: true,
      exports: ['Wow64BaseInitialize'], imports: [NTDLL] },
    { name: 'wow64con.dll', kind: 'dll', folder: 'system', description: 'Wow64 Console Thunks', size64: 0x1a000, size32: 0, wow64Twin: false, only64: true,
      exports: ['sdwhcon'], imports: [NTDLL] },
  ],
  dllImports: {
    'SHCore.dll': [...CORE, NTDLL],
  },
  programs: {
    'cmd.exe': {
      static: dlls('msvcrt combase ucrtbase rpcrt4'),
      runtime: [
        { when: ONE_SHOT_CMD, loads: dlls('sechost') },
        { loads: dlls('winbrand SHCore msvcp_win wldp sechost') },
      ],
      evidence: 'interactive cmd (DC01); cmd /c as 2004 (no recording)',
    },
    'conhost.exe': {
      static: dlls('msvcp_win ucrtbase SHCore advapi32 msvcrt sechost rpcrt4 user32 win32u gdi32 gdi32full combase'),
      runtime: [{
        loads: dlls('kernel.appcore bcryptprimitives imm32 uxtheme windows.storage shlwapi ole32 oleaut32 propsys clbcatq cfgmgr32 profapi shell32 ' +
          'msctf textshaping comctl32 dwmapi textinputframework coremessaging coreuicomponents'),
      }],
      evidence: 'conhost (DC01)',
    },
    'svchost.exe': {
      static: dlls('ucrtbase rpcrt4 sechost'),
      runtime: [
        { when: '-k\\s+swprv\\b', loads: dlls(`${SVCHOST_OWN} devobj vsstrace virtdisk cfgmgr32 fltlib swprv ${SVCHOST_COM} amsi clbcatq es vss_ps oleaut32 vssapi`) },
        { loads: dlls(`${SVCHOST_OWN} ${SVCHOST_COM}`) },
      ],
      evidence: 'svchost -k swprv (DC01); other services inferred from it',
    },
  },
};
