// Windows 10 1903/1909 (18362, 18363): the root release. Its DLL import tables are catalog-user.ts's,
// calibrated on WORKSTATION5 of OTRF aptsimulator_cobaltstrike (ntdll 10.0.18362.1533); the plans
// below follow the starts recorded on WORKSTATION5/6 (covenant_wmi_wbemcomn_dll_hijack, ntdll
// 10.0.18362.1049; psh_mavinject_dll_notepad, 10.0.18362.1139). Orders marked "inferred" have no
// 1903 recording: they are the 2004 order with 1903's combase (which brings bcryptprimitives).
import type { ReleaseDefinition } from '../release-types.js';
import { CORE, CRT, NTDLL } from '../import-sets.js';
import { dlls, ONE_SHOT_CMD } from './names.js';


/** The CLR's own start, after mscoree (powershell's host and managed programs alike). */
export const CLR_START = 'mscoreei shlwapi kernel.appcore version clr vcruntime140_clr0400 ucrtbase_clr0400 mscorlib.ni';

/** What powershell loads after the CLR has started, running one command (MKT01, 19041). */
export const POWERSHELL_RUNTIME =
  'system.ni system.core.ni cryptsp bcrypt cryptbase microsoft.powershell.consolehost.ni rsaenh system.management.automation.ni clbcatq ' +
  'psapi shell32 windows.storage wldp SHCore wintrust crypt32 msasn1 msisip wshext appxsip opcservices pwrshsip gpapi system.configuration.ni ' +
  'amsi userenv profapi mpoav microsoft.management.infrastructure.ni system.xml.ni system.management.ni system.directoryservices.ni ' +
  'system.numerics.ni system.data.ni system.data ws2_32 clrjit microsoft.powershell.security.ni system.transactions.ni system.transactions ' +
  'secur32 sspicli mpclient microsoft.powershell.commands.utility.ni system.configuration.install.ni iphlpapi dnsapi nsi dhcpcsvc6 dhcpcsvc winnsi';

export const WIN10_1903: ReleaseDefinition = {
  id: 'win10-1903',
  name: 'Windows 10 1903/1909',
  firstBuild: 17764,
  lastBuild: 18363,
  fileVersion: '10.0.18362.1 (WinBuild.160101.0800)',
  evidence:
    'OTRF aptsimulator_cobaltstrike (WORKSTATION5, ntdll 10.0.18362.1533: cmd, conhost, sc, timeout starts), ' +
    'covenant_wmi_wbemcomn_dll_hijack (WORKSTATION5/6, 10.0.18362.1049: cmd, conhost ×8, notepad), ' +
    'psh_mavinject_dll_notepad (WORKSTATION5, 10.0.18362.1139: notepad)',
  dllImports: {
    // shell32's own walk brings nothing new where the recordings load it: what follows it (cfgmgr32,
    // windows.storage, shlwapi, SHCore in powershell) they show as loads of their own, so those are
    // not in its import table here (real shell32 delay-loads most of them).
    'shell32.dll': [['msvcp_win.dll', ['?_Xbad_alloc@std@@YAXXZ']], ...CRT, 'api-ms-win-core-com-l1-1-0',
      ['user32.dll', ['SendMessageW', 'PostMessageW', 'LoadIconW']], ['advapi32.dll', ['RegOpenKeyExW', 'EventRegister']], ...CORE, NTDLL],
  },
  managedStart: {
    loads: dlls('mscoreei shlwapi combase ucrtbase bcryptprimitives gdi32 win32u gdi32full msvcp_win user32 imm32 kernel.appcore version clr ' +
      'vcruntime140_clr0400 ucrtbase_clr0400 mscorlib.ni ole32 clrjit'),
    evidence: 'SharpView.exe (OTRF cmd_sharpview_pcre_net, WORKSTATION5, 18362) up to clrjit, where its own assemblies begin',
  },
  programs: {
    'cmd.exe': {
      static: dlls('msvcrt combase ucrtbase rpcrt4 bcryptprimitives sechost'),
      runtime: [
        { when: ONE_SHOT_CMD, loads: [] },
        // Interactive: no 1903 recording; winbrand and wldp are what 2004 and Server 2019 both load.
        { loads: dlls('winbrand wldp') },
      ],
      evidence: 'cmd /c ×2 (WORKSTATION5, covenant); the static order as aptsimulator\'s cmd.exe (pid 3948)',
    },
    'conhost.exe': {
      static: dlls('msvcp_win ucrtbase SHCore msvcrt rpcrt4 combase bcryptprimitives advapi32 sechost user32 win32u gdi32 gdi32full imm32 shell32'),
      runtime: [{
        loads: dlls('cfgmgr32 windows.storage profapi powrprof umpdc shlwapi kernel.appcore cryptsp uxtheme msctf oleaut32 comctl32 dwmapi ' +
          'textinputframework coreuicomponents coremessaging ntmarta wintypes iertutil clbcatq'),
      }],
      evidence: 'the most frequent of 8 conhost starts (3 identical; WORKSTATION5/6, covenant and aptsimulator)',
    },
    'sc.exe': { static: dlls('msvcrt rpcrt4 sechost'), evidence: 'sc ×4 (aptsimulator, WORKSTATION5)' },
    'notepad.exe': {
      static: dlls('gdi32 win32u gdi32full msvcp_win ucrtbase user32 msvcrt combase rpcrt4 bcryptprimitives SHCore advapi32 sechost comctl32'),
      runtime: [{
        loads: dlls('imm32 kernel.appcore uxtheme clbcatq mrmcorer msctf oleaut32 windows.storage profapi powrprof umpdc shlwapi efswrt mpr ' +
          'wintypes twinapi.appcore rmclient cfgmgr32 cryptsp shell32 oleacc textinputframework coreuicomponents coremessaging ntmarta iertutil'),
      }],
      evidence: 'notepad (psh_mavinject_dll_notepad, WORKSTATION5) without the injected DLL; the head as the covenant notepad (WORKSTATION6)',
    },
    'svchost.exe': {
      static: dlls('sechost rpcrt4 ucrtbase'),
      runtime: [
        { when: '-k\\s+smphost\\b', loads: dlls('smphost msvcrt mi miutils combase bcryptprimitives wldp advapi32') },
        { when: '-s\\s+seclogon\\b', loads: dlls('combase bcryptprimitives kernel.appcore msvcrt user32 win32u gdi32 gdi32full msvcp_win wldp advapi32 sspicli seclogon') },
        { loads: dlls('combase bcryptprimitives kernel.appcore msvcrt user32 win32u gdi32 gdi32full msvcp_win wldp advapi32') },
      ],
      evidence: 'inferred: no 1903 svchost start recorded (the 2004 orders with 1903\'s combase)',
    },
    'powershell.exe': {
      static: dlls('msvcrt oleaut32 msvcp_win ucrtbase combase rpcrt4 bcryptprimitives advapi32 sechost ole32 gdi32 win32u gdi32full user32 atl mscoree'),
      runtime: [{ loads: dlls(`${CLR_START} ${POWERSHELL_RUNTIME}`) }],
      evidence: 'inferred: no 1903 powershell start recorded (the 2004 order with 1903\'s combase)',
    },
  },
};
