// Windows Server 2019 and Windows 10 1809 (17763; 1703–1803 too, unrecorded): MORDORDC of OTRF
// covenant_wmi_wbemcomn_dll_hijack (ntdll 10.0.17763.1432). 1903's import tables; cmd loads sechost
// at run time, and conhost what follows gdi32full.
import type { ReleaseDefinition } from '../release-types.js';
import { dlls, ONE_SHOT_CMD } from './names.js';

export const WS2019: ReleaseDefinition = {
  id: 'ws2019',
  name: 'Windows Server 2019 / Windows 10 1809',
  firstBuild: 14394,
  lastBuild: 17763,
  fileVersion: '10.0.17763.1 (WinBuild.160101.0800)',
  base: 'win10-1903',
  evidence: 'OTRF covenant_wmi_wbemcomn_dll_hijack (MORDORDC, ntdll 10.0.17763.1432): 1 cmd, 2 conhost starts; 1703–1803: no recording',
  programs: {
    'cmd.exe': {
      static: dlls('msvcrt combase ucrtbase rpcrt4 bcryptprimitives'),
      runtime: [
        // cmd /c: no recording; sechost as the interactive start and 2004 load it.
        { when: ONE_SHOT_CMD, loads: dlls('sechost') },
        { loads: dlls('winbrand wldp sechost crypt32 msasn1 wintrust') },
      ],
      evidence: 'interactive cmd (MORDORDC); cmd /c inferred',
    },
    'conhost.exe': {
      static: dlls('msvcp_win ucrtbase SHCore msvcrt rpcrt4 combase bcryptprimitives advapi32 sechost user32 win32u gdi32 gdi32full'),
      runtime: [{ loads: dlls('shell32 cfgmgr32 windows.storage profapi powrprof shlwapi kernel.appcore cryptsp clbcatq msctf oleaut32 imm32') }],
      evidence: 'the longer of 2 conhost starts (MORDORDC); the other stops at cryptsp',
    },
  },
};
