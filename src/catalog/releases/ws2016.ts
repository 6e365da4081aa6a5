// Windows Server 2016 (14393), and the builds before it, which no recording here covers: MXS01 of
// OTRF proxylogon_ssrf_rce_poc (ntdll 10.0.14393.4283). cmd.exe imports msvcrt and no COM; conhost.exe
// is a launcher that loads conhostv2.dll, whose loads do not follow one depth-first walk of the later
// releases' import tables: gdi32, gdi32full and shell32 import less here, so the order comes out as recorded.
import type { ReleaseDefinition } from '../release-types.js';
import { CORE, CRT, NTDLL } from '../import-sets.js';
import { dlls } from './names.js';
import { CLR_START, POWERSHELL_RUNTIME } from './win10-1903.js';

const GDI = ['CreateFontW', 'CreateFontIndirectW', 'SelectObject', 'DeleteObject', 'GetStockObject', 'BitBlt'];

export const WS2016: ReleaseDefinition = {
  id: 'ws2016',
  name: 'Windows Server 2016 (and earlier builds)',
  firstBuild: 7601,
  lastBuild: 14393,
  fileVersion: '10.0.14393.0 (rs1_release.160715-1616)',
  base: 'win10-1903',
  evidence: 'OTRF proxylogon_ssrf_rce_poc (MXS01, ntdll 10.0.14393.4283): 2 cmd, 4 conhost starts; builds before 14393: no recording',
  dllImports: {
    'gdi32.dll': [NTDLL, ...CORE, ['gdi32full.dll', GDI]],
    'gdi32full.dll': [...CRT, ...CORE, NTDLL],
    'shell32.dll': [['msvcp_win.dll', ['?_Xbad_alloc@std@@YAXXZ']], ...CRT, 'api-ms-win-core-com-l1-1-0',
      ['user32.dll', ['SendMessageW', 'PostMessageW', 'LoadIconW']], ...CORE, NTDLL],
  },
  managedStart: {
    loads: dlls('mscoreei shlwapi combase ucrtbase bcryptprimitives gdi32 gdi32full win32u msvcp_win user32 imm32 kernel.appcore version clr ' +
      'vcruntime140_clr0400 ucrtbase_clr0400 mscorlib.ni ole32 clrjit'),
    evidence: 'inferred: 1903\'s order (SharpView.exe) as this release\'s gdi32 makes it',
  },
  programs: {
    'cmd.exe': {
      static: dlls('msvcrt'),
      evidence: 'cmd /c ×2 (MXS01): nothing after msvcrt; interactive cmd: no recording, none assumed',
    },
    'conhost.exe': {
      static: dlls('msvcrt'),
      runtime: [{
        loads: dlls('conhostv2 combase ucrtbase rpcrt4 bcryptprimitives gdi32 gdi32full user32 win32u imm32 oleaut32 msvcp_win propsys sechost ' +
          'SHCore shell32 cfgmgr32 windows.storage powrprof advapi32 shlwapi kernel.appcore profapi'),
      }],
      evidence: '4 identical conhost starts (MXS01)',
    },
    // No recording: 1903's orders as this release's gdi32 (gdi32full before win32u) makes them.
    'notepad.exe': {
      static: dlls('gdi32 gdi32full ucrtbase user32 win32u msvcp_win msvcrt combase rpcrt4 bcryptprimitives SHCore advapi32 sechost comctl32'),
      runtime: [{
        loads: dlls('imm32 kernel.appcore uxtheme clbcatq mrmcorer msctf oleaut32 windows.storage profapi powrprof umpdc shlwapi efswrt mpr ' +
          'wintypes twinapi.appcore rmclient cfgmgr32 cryptsp shell32 oleacc textinputframework coreuicomponents coremessaging ntmarta iertutil'),
      }],
      evidence: 'inferred: no Server 2016 notepad start recorded',
    },
    'powershell.exe': {
      static: dlls('msvcrt oleaut32 msvcp_win ucrtbase combase rpcrt4 bcryptprimitives advapi32 sechost ole32 gdi32 gdi32full user32 win32u atl mscoree'),
      runtime: [{ loads: dlls(`${CLR_START} ${POWERSHELL_RUNTIME}`) }],
      evidence: 'inferred: no Server 2016 powershell start recorded',
    },
  },
};
