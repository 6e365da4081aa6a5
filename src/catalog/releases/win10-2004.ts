// Windows 10 2004–22H2 (19041–19045; their system DLLs all carry 10.0.19041.x): MKT01 of OTRF
// metasploit_logonpasswords_lsass_memory_dump (ntdll 10.0.19041.1949), 77 cmd, 80 conhost,
// 5 svchost and 1 powershell starts. Against 1903: combase no longer brings bcryptprimitives
// (cmd stops at rpcrt4), SHCore imports combase before rpcrt4, cmd loads sechost only at run time.
import type { ReleaseDefinition } from '../release-types.js';
import { CORE, CRT, NTDLL } from '../import-sets.js';
import { dlls, ONE_SHOT_CMD } from './names.js';
import { CLR_START, POWERSHELL_RUNTIME } from './win10-1903.js';


/** svchost's own run-time start in a shared (-p) service group, before the service DLL. */
const SVCHOST_SHARED = 'combase kernel.appcore msvcrt bcryptprimitives user32 win32u gdi32 gdi32full msvcp_win';

export const WIN10_2004: ReleaseDefinition = {
  id: 'win10-2004',
  name: 'Windows 10 2004–22H2',
  firstBuild: 18364,
  lastBuild: 19045,
  fileVersion: '10.0.19041.1 (WinBuild.160101.0800)',
  base: 'win10-1903',
  evidence: 'OTRF metasploit_logonpasswords_lsass_memory_dump (MKT01, ntdll 10.0.19041.1949): 77 cmd, 80 conhost, 5 svchost, 1 powershell starts',
  dllImports: {
    'combase.dll': [...CRT, ['rpcrt4.dll', ['NdrClientCall3', 'RpcBindingFree', 'UuidCreate']], ...CORE, NTDLL],
    'SHCore.dll': [['msvcrt.dll', ['memset', 'wcslen', '_wcsicmp']], 'api-ms-win-core-com-l1-1-0', ['rpcrt4.dll', ['UuidCreate']], ...CORE, NTDLL],
  },
  programs: {
    'cmd.exe': {
      static: dlls('msvcrt combase ucrtbase rpcrt4'),
      runtime: [
        { when: ONE_SHOT_CMD, loads: dlls('sechost') },
        { loads: dlls('winbrand wldp advapi32 sechost') },
      ],
      evidence: 'cmd /c ×75 (56 load sechost after rpcrt4, 18 nothing more), interactive cmd ×2 (MKT01)',
    },
    'conhost.exe': {
      static: dlls('msvcp_win ucrtbase SHCore msvcrt combase rpcrt4 advapi32 sechost user32 win32u gdi32 gdi32full imm32 shell32'),
      runtime: [{ loads: dlls('uxtheme msctf oleaut32 textshaping comctl32 dwmapi') }],
      evidence: '76 of 80 conhost starts identical (MKT01)',
    },
    'svchost.exe': {
      static: dlls('sechost rpcrt4 ucrtbase'),
      runtime: [
        {
          when: '-k\\s+smphost\\b',
          loads: dlls('smphost msvcrt mi miutils combase wldp advapi32 mispace cfgmgr32 bcrypt sxshared sspicli srvcli netutils wmiclnt wevtapi ' +
            'msvcp_win virtdisk devobj resutils fltlib bcd clusapi dnsapi wmidcom crypt32 dpapi kernel.appcore bcryptprimitives wmitomi clbcatq ' +
            'iphlpapi nsi wmidcprv fastprox wbemcomn oleaut32 wbemprox ws2_32 user32 win32u gdi32 gdi32full wbemsvc amsi userenv profapi mpoav ' +
            'ole32 version wmiutils wkscli cscapi wldap32 ntmarta dsrole cryptsp ntdsapi logoncli fmifs ulib ifsutil wsp_fs netapi32 sscore wsp_sr tdh wsp_health'),
        },
        { when: '-s\\s+WdiSystemHost\\b', loads: dlls(`${SVCHOST_SHARED} wldp advapi32 wdi pcadm wtsapi32 mpr pcacli`) },
        { when: '-s\\s+gpsvc\\b', loads: dlls(`${SVCHOST_SHARED} gpsvc sysntfy umpdc nlaapi iphlpapi wldp advapi32 dsrole oleaut32 wtsapi32 winsta sspicli rmclient samlib`) },
        { when: '-s\\s+seclogon\\b', loads: dlls(`${SVCHOST_SHARED} wldp advapi32 sspicli seclogon`) },
        {
          when: '-s\\s+wisvc\\b',
          loads: dlls(`${SVCHOST_SHARED} flightsettings wldp advapi32 clbcatq wtsapi32 winsta onecorecommonproxystub policymanager msvcp110_win oleaut32 ` +
            'crypt32 cryptsp windows.networking.connectivity SHCore wosc onecoreuapcommonproxystub npmproxy wintypes iphlpapi nsi dusmapi updatepolicy ' +
            'wintrust profapi cabinet msasn1 iertutil windows.web bcrypt userenv logoncli utcutil dcntel powrprof netutils winhttp ntmarta umpdc aepic ' +
            'windows.system.profile.platformdiagnosticsandusagedatasettings rsaenh cryptbase windows.security.authentication.onlineid dpapi ' +
            'onesettingsclient ws2_32 ondemandconnroutehelper mswsock winnsi dhcpcsvc6 dhcpcsvc webio sspicli dnsapi rasadhlp'),
        },
        // Any other service: svchost's own start, as the three -p services above all begin.
        { loads: dlls(`${SVCHOST_SHARED} wldp advapi32`) },
      ],
      evidence: 'svchost -k smphost, -s WdiSystemHost, gpsvc, seclogon, wisvc (MKT01)',
    },
    'powershell.exe': {
      static: dlls('msvcrt oleaut32 msvcp_win ucrtbase combase rpcrt4 advapi32 sechost ole32 gdi32 win32u gdi32full user32 atl mscoree'),
      runtime: [{ loads: dlls(`${CLR_START} bcryptprimitives ${POWERSHELL_RUNTIME}`) }],
      evidence: 'powershell -Command Write-Host (MKT01)',
    },
  },
};
