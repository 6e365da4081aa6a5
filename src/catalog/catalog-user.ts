// User-mode images of the builtin system: DLLs and programs.
//
// Import tables are chosen so that the loader's depth-first walk (kernel32 and
// KernelBase first, then each import in table order, SEMANTICS.md §5B)
// reproduces the first-load orders Sysmon event 7 recorded on a real Windows 10
// 1903 machine (OTRF Security-Datasets, aptsimulator_cobaltstrike, in
// shared/data/sysmon beside the project), filtered to the DLLs shipped here. Each program
// names the real sequence it follows. The function lists are a plausible
// subset of the real exports, nothing more.
import { functionsHostedBy } from './api-contracts.js';
import { CORE, CRT, NTDLL } from './import-sets.js';
import type { CatalogImage, ImportEntry } from './types.js';

/** What a program takes from kernel32 (spelled as real import tables spell it). */
const KERNEL32: ImportEntry = ['KERNEL32.dll', ['GetModuleHandleW', 'GetCommandLineW', 'ExitProcess', 'GetStartupInfoW']];

const NTDLL_EXPORTS = [
  'NtClose', 'NtCreateFile', 'NtReadFile', 'NtWriteFile', 'NtMapViewOfSection', 'NtUnmapViewOfSection',
  'NtQueryInformationProcess', 'NtAllocateVirtualMemory', 'NtFreeVirtualMemory', 'NtProtectVirtualMemory',
  'NtQuerySystemInformation', 'NtWaitForSingleObject', 'LdrLoadDll', 'LdrGetProcedureAddress',
  'LdrInitializeThunk', 'RtlAllocateHeap', 'RtlFreeHeap', 'RtlEnterCriticalSection', 'RtlLeaveCriticalSection',
  'RtlInitUnicodeString', 'RtlNtStatusToDosError', 'RtlGetVersion', 'KiUserExceptionDispatcher',
];

const KERNELBASE_EXTRA = [
  'GetVersionExW', 'IsDebuggerPresent', 'OutputDebugStringW', 'Sleep', 'GetTickCount', 'GetTickCount64',
  'CreateFileMappingW', 'MapViewOfFile', 'GetSystemTimeAsFileTime', 'QueryPerformanceCounter', 'GetCommandLineW',
  'GetEnvironmentVariableW', 'FormatMessageW', 'LocalAlloc', 'LocalFree', 'GetStdHandle',
];

const KERNEL32_EXPORTS = [
  'CreateFileW', 'ExitProcess', 'GetProcAddress', 'LoadLibraryW', 'LoadLibraryExW', 'GetModuleHandleW',
  'GetModuleFileNameW', 'CloseHandle', 'GetLastError', 'SetLastError', 'Sleep', 'GetCurrentProcess',
  'GetCurrentProcessId', 'GetTickCount', 'GetStdHandle', 'WriteConsoleW', 'CreateProcessW', 'WaitForSingleObject',
  'LocalAlloc', 'LocalFree', 'GetCommandLineW', 'QueryPerformanceCounter', 'GetSystemTimeAsFileTime',
  'IsDebuggerPresent', 'SetUnhandledExceptionFilter', 'UnhandledExceptionFilter', 'TerminateProcess',
  'GetStartupInfoW', 'MulDiv', 'GlobalAlloc', 'GlobalFree', 'GlobalLock', 'GlobalUnlock', 'lstrlenW',
  'FormatMessageW', 'GetProcessHeap', 'HeapFree',
  // Real kernel32 forwards these straight to ntdll.
  { name: 'HeapAlloc', forwarder: 'NTDLL.RtlAllocateHeap' },
  { name: 'EnterCriticalSection', forwarder: 'NTDLL.RtlEnterCriticalSection' },
  { name: 'LeaveCriticalSection', forwarder: 'NTDLL.RtlLeaveCriticalSection' },
] as const;

const GDI_EXPORTS = [
  'CreateFontW', 'CreateFontIndirectW', 'SelectObject', 'DeleteObject', 'GetStockObject', 'BitBlt',
  'CreateCompatibleDC', 'DeleteDC', 'GetDeviceCaps', 'SetBkMode', 'SetTextColor', 'TextOutW', 'GetTextMetricsW',
  'CreateSolidBrush',
];

const dll = (
  name: string,
  description: string,
  size64: number,
  size32: number,
  exports: CatalogImage['exports'],
  imports: readonly ImportEntry[],
  extra: Partial<CatalogImage> = {},
): CatalogImage => ({ name, kind: 'dll', folder: 'system', description, size64, size32, wow64Twin: true, exports, imports, ...extra });

const program = (
  name: string,
  description: string,
  size64: number,
  size32: number,
  imports: readonly ImportEntry[],
  extra: Partial<CatalogImage> = {},
): CatalogImage => ({ name, kind: 'exe', folder: 'system', description, size64, size32, wow64Twin: true, imports, ...extra });

export const USER_IMAGES: readonly CatalogImage[] = [
  // ---- the core every process loads (§5B) -----------------------------------
  dll('ntdll.dll', 'NT Layer DLL', 0x1f8000, 0x1a4000, NTDLL_EXPORTS, []),
  dll('KernelBase.dll', 'Windows NT BASE API Client DLL', 0x3a8000, 0x27a000,
    [...functionsHostedBy('kernelbase.dll'), ...KERNELBASE_EXTRA], [NTDLL]),
  dll('kernel32.dll', 'Windows NT BASE API Client DLL', 0xc2000, 0xf0000, KERNEL32_EXPORTS,
    [...CORE, 'api-ms-win-core-file-l1-1-0', 'api-ms-win-core-console-l1-1-0', NTDLL]),

  // ---- the WoW64 layer: native images, System32 only ------------------------
  dll('wow64.dll', 'Win32 Emulation on NT64', 0x59000, 0, ['Wow64LdrpInitialize', 'Wow64SystemServiceEx', 'Wow64AllocateHeap', 'Wow64PrepareForException'], [NTDLL], { wow64Twin: false, only64: true }),
  dll('wow64win.dll', 'Wow64 Console and Win32 API Logging', 0x89000, 0, ['sdwhwin32', 'whNtUserCallOneParam'], [NTDLL, ['wow64.dll', ['Wow64SystemServiceEx']]], { wow64Twin: false, only64: true }),
  dll('wow64cpu.dll', 'AMD64 Wow64 CPU', 0xa000, 0, ['CpuSimulate', 'CpuThreadInit', 'CpuProcessInit'], [NTDLL], { wow64Twin: false, only64: true, onlyOn: ['amd64'] }),
  // Not shipped: wow64base.dll and wow64con.dll (Windows 11). The loader maps them when present,
  // which would put them between wow64.dll, wow64win.dll and the CPU DLL, unlike §5B's order.
  dll('xtajit.dll', 'x86 to ARM64 Dynamic Binary Translator', 0x140000, 0, ['BTCpuSimulate', 'BTCpuProcessInit', 'BTCpuThreadInit'], [NTDLL], { wow64Twin: false, only64: true, onlyOn: ['arm64'] }),

  // ---- runtimes ---------------------------------------------------------------
  dll('msvcrt.dll', 'Windows NT CRT DLL', 0xa7000, 0xbf000, [
    'malloc', 'free', 'memset', 'memcpy', 'strlen', 'wcslen', '_wcsicmp', 'printf', 'wprintf', '__wgetmainargs',
    '__getmainargs', '_initterm', 'exit', '_exit', '_cexit', '_XcptFilter', '__set_app_type', '_amsg_exit',
    '_vsnwprintf', '_onexit', '__dllonexit', '_lock', '_unlock', 'iswspace', 'towlower', '_errno', '_purecall',
  ], [NTDLL, ...CORE]),
  dll('ucrtbase.dll', 'Microsoft® C Runtime Library', 0x12c000, 0x120000,
    [...functionsHostedBy('ucrtbase.dll'), '_errno', 'abort', 'terminate', '_invalid_parameter_noinfo', 'qsort'],
    [NTDLL, ...CORE]),
  dll('msvcp_win.dll', 'Microsoft® C Runtime Library', 0x9d000, 0x7b000, [
    '?_Xbad_alloc@std@@YAXXZ', '?_Xlength_error@std@@YAXPEBD@Z', '?_Xout_of_range@std@@YAXPEBD@Z',
    '?_Syserror_map@std@@YAPEBDH@Z', '_Mtx_init_in_situ', '_Cnd_do_broadcast_at_thread_exit',
  ], [...CRT, ...CORE, NTDLL]),

  // ---- graphics and windowing ---------------------------------------------------
  dll('win32u.dll', 'Win32u', 0x26000, 0x18000, [
    'NtUserCallOneParam', 'NtUserGetMessage', 'NtUserPeekMessage', 'NtUserCreateWindowEx', 'NtUserGetDC',
    'NtUserReleaseDC', 'NtGdiCreateCompatibleDC', 'NtGdiBitBlt', 'NtGdiGetTextMetricsW', 'NtGdiSelectBitmap',
  ], []),
  // gdi32 → win32u, gdi32full → msvcp_win → ucrtbase: "gdi32, win32u, gdi32full, msvcp_win, ucrtbase" (timeout.exe).
  dll('gdi32.dll', 'GDI Client DLL', 0x2c000, 0x23000, GDI_EXPORTS, [NTDLL, ...CORE, 'win32u.dll', ['gdi32full.dll', GDI_EXPORTS.slice(0, 6)]]),
  dll('gdi32full.dll', 'GDI Client DLL', 0x11a000, 0xe4000, [...GDI_EXPORTS, 'LpkPresent', 'GdiGetCodePage'],
    [['msvcp_win.dll', ['?_Xbad_alloc@std@@YAXXZ', '?_Xlength_error@std@@YAXPEBD@Z']], ...CRT, 'win32u.dll', ...CORE, NTDLL]),
  // user32 → win32u, gdi32: "user32, win32u, gdi32, gdi32full" (timeout.exe, taskkill.exe).
  dll('user32.dll', 'Multi-User Windows USER API Client DLL', 0x1a9000, 0x19d000, [
    'MessageBoxW', 'CreateWindowExW', 'DefWindowProcW', 'DispatchMessageW', 'GetMessageW', 'TranslateMessage',
    'PostQuitMessage', 'RegisterClassExW', 'ShowWindow', 'UpdateWindow', 'LoadIconW', 'LoadCursorW', 'SendMessageW',
    'PostMessageW', 'GetDC', 'ReleaseDC', 'SetWindowTextW', 'GetWindowTextW', 'wsprintfW', 'CharNextW', 'LoadStringW',
    'GetSystemMetrics', 'IsWindow', 'DestroyWindow', 'BeginPaint', 'EndPaint', 'GetClientRect', 'InvalidateRect',
    'PeekMessageW', 'GetDpiForWindow', 'SetProcessDpiAwarenessContext',
  ], [['win32u.dll', ['NtUserCallOneParam', 'NtUserGetMessage', 'NtUserCreateWindowEx']], ['gdi32.dll', ['SelectObject', 'GetStockObject', 'DeleteObject']], NTDLL, ...CORE]),
  dll('imm32.dll', 'Multi-User Windows IMM32 API Client DLL', 0x32000, 0x25000, [
    'ImmGetContext', 'ImmReleaseContext', 'ImmAssociateContext', 'ImmGetCompositionStringW', 'ImmSetCompositionWindow',
    'ImmDisableIME', 'ImmIsIME',
  ], [NTDLL, 'win32u.dll', ...CORE]),

  // ---- RPC, security, services ---------------------------------------------------
  dll('rpcrt4.dll', 'Remote Procedure Call Runtime', 0x119000, 0xbf000, [
    'RpcBindingFromStringBindingW', 'RpcBindingFree', 'RpcStringBindingComposeW', 'RpcStringFreeW', 'NdrClientCall3',
    'NdrClientCall2', 'UuidCreate', 'UuidToStringW', 'RpcServerListen', 'RpcServerRegisterIf', 'I_RpcExceptionFilter',
    'RpcRaiseException', 'NdrServerCall2',
  ], [NTDLL, ...CORE]),
  dll('bcryptprimitives.dll', 'Windows Cryptographic Primitives Library', 0x82000, 0x5f000, [
    'ProcessPrng', 'GetAsymmetricEncryptionInterface', 'GetCipherInterface', 'GetHashInterface', 'GetRngInterface',
    'GetSecretAgreementInterface', 'GetSignatureInterface', 'GetKeyDerivationInterface',
  ], [NTDLL, ...CORE]),
  // sechost → rpcrt4: "sechost, rpcrt4" (taskkill.exe, CreateNamedPipe.exe).
  dll('sechost.dll', 'Host for SCM/SDDL/LSA Lookup APIs', 0xa9000, 0x7f000,
    [...functionsHostedBy('sechost.dll'), 'LookupAccountSidLocalW', 'OpenTraceW', 'ProcessTrace', 'CredReadW'],
    [NTDLL, ...CORE, ['rpcrt4.dll', ['RpcBindingFree', 'NdrClientCall3', 'RpcStringBindingComposeW']]]),
  // advapi32 → msvcrt, sechost: "advapi32, msvcrt, sechost, rpcrt4" (taskkill.exe, CreateNamedPipe.exe).
  dll('advapi32.dll', 'Advanced Windows 32 Base API', 0xb1000, 0x7b000, [
    'RegOpenKeyExW', 'RegQueryValueExW', 'RegCloseKey', 'RegSetValueExW', 'OpenProcessToken', 'GetTokenInformation',
    'LookupAccountSidW', 'OpenSCManagerW', 'OpenServiceW', 'CloseServiceHandle', 'StartServiceW',
    'StartServiceCtrlDispatcherW', 'RegisterServiceCtrlHandlerExW', 'SetServiceStatus', 'CryptAcquireContextW',
    'CryptReleaseContext', 'CryptGenRandom', 'EventRegister', 'EventWriteTransfer', 'EventUnregister', 'GetUserNameW',
    'AdjustTokenPrivileges', 'LookupPrivilegeValueW', 'ConvertStringSecurityDescriptorToSecurityDescriptorW',
    'ConvertSidToStringSidW', 'SystemFunction036',
  ], [['msvcrt.dll', ['malloc', 'free', 'memset']], NTDLL, ...CORE, 'api-ms-win-core-registry-l1-1-0', 'api-ms-win-security-base-l1-1-0',
    'api-ms-win-service-core-l1-1-0', 'api-ms-win-service-management-l1-1-0', 'api-ms-win-security-sddl-l1-1-0']),

  // ---- COM and the shell ---------------------------------------------------------------
  // combase → ucrtbase, rpcrt4, bcryptprimitives: "combase, ucrtbase, rpcrt4, bcryptprimitives" (cmd.exe).
  dll('combase.dll', 'Microsoft COM for Windows', 0x388000, 0x281000, [
    ...functionsHostedBy('combase.dll'), 'CoGetClassObject', 'CoRegisterClassObject', 'RoInitialize',
    'RoGetActivationFactory', 'WindowsCreateString', 'WindowsDeleteString', 'CLSIDFromString', 'StringFromGUID2',
    'PropVariantClear', 'CoWaitForMultipleHandles',
  ], [...CRT, ['rpcrt4.dll', ['NdrClientCall3', 'RpcBindingFree', 'UuidCreate']], ['bcryptprimitives.dll', ['ProcessPrng']], ...CORE, NTDLL]),
  // SHCore → msvcrt, rpcrt4, combase: "SHCore, msvcrt, rpcrt4, combase, bcryptprimitives" (conhost.exe).
  dll('SHCore.dll', 'SHCORE', 0xf7000, 0x8a000, [
    'GetDpiForMonitor', 'SetProcessDpiAwareness', 'GetProcessDpiAwareness', 'SHCreateStreamOnFileW', 'SHStrDupW',
    'IStream_Read', 'IUnknown_QueryService', 'CommandLineToArgvW', 'SHRegGetValueW',
  ], [['msvcrt.dll', ['memset', 'wcslen', '_wcsicmp']], ['rpcrt4.dll', ['UuidCreate']], 'api-ms-win-core-com-l1-1-0', ...CORE, NTDLL]),
  // shlwapi → msvcrt, combase: "shlwapi, msvcrt, combase, bcryptprimitives" (timeout.exe).
  dll('shlwapi.dll', 'Shell Light-weight Utility Library', 0x5e000, 0x45000, [
    'PathFileExistsW', 'PathCombineW', 'PathFindFileNameW', 'StrCmpIW', 'StrStrIW', 'SHRegGetValueW', 'PathIsRelativeW',
    'UrlEscapeW', 'AssocQueryStringW', 'SHDeleteKeyW', 'PathAppendW', 'PathRemoveFileSpecW', 'StrToIntW', 'wnsprintfW',
  ], [['msvcrt.dll', ['memset', 'wcslen', '_wcsicmp', 'towlower']], 'api-ms-win-core-com-l1-1-0', ...CORE, NTDLL]),
  dll('shell32.dll', 'Windows Shell Common Dll', 0x71c000, 0x5c5000, [
    'ShellExecuteExW', 'ShellExecuteW', 'SHGetFolderPathW', 'SHGetKnownFolderPath', 'SHFileOperationW', 'SHGetFileInfoW',
    'DragAcceptFiles', 'DragQueryFileW', 'DragFinish', 'Shell_NotifyIconW', 'SHBrowseForFolderW', 'SHChangeNotify',
    'ExtractIconW',
  ], [['msvcp_win.dll', ['?_Xbad_alloc@std@@YAXXZ']], ...CRT, 'api-ms-win-core-com-l1-1-0', ['SHCore.dll', ['SHStrDupW', 'IUnknown_QueryService']],
    ['user32.dll', ['SendMessageW', 'PostMessageW', 'LoadIconW']], ['advapi32.dll', ['RegOpenKeyExW', 'EventRegister']],
    ['shlwapi.dll', ['PathFileExistsW', 'StrCmpIW', 'AssocQueryStringW']], ...CORE, NTDLL]),
  // ole32 → combase, rpcrt4, gdi32, user32, msvcrt, advapi32.
  dll('ole32.dll', 'Microsoft OLE for Windows', 0x1a9000, 0x105000, [
    'OleInitialize', 'OleUninitialize', 'OleSetClipboard', 'OleGetClipboard', 'RegisterDragDrop', 'RevokeDragDrop',
    'DoDragDrop', 'CreateStreamOnHGlobal', 'StgCreateDocfile', 'OleCreate', 'ReleaseStgMedium',
  ], ['api-ms-win-core-com-l1-1-0', ['rpcrt4.dll', ['NdrClientCall3']], ['gdi32.dll', ['DeleteObject']], ['user32.dll', ['SendMessageW', 'IsWindow']],
    ['msvcrt.dll', ['memset', 'wcslen']], ['advapi32.dll', ['RegOpenKeyExW', 'RegCloseKey']], ...CORE, NTDLL]),
  // oleaut32 → msvcp_win, combase: "oleaut32, msvcp_win, ucrtbase, combase, rpcrt4, bcryptprimitives" (7z.exe).
  dll('oleaut32.dll', 'OLEAUT32.DLL', 0xd9000, 0x96000, [
    'SysAllocString', 'SysFreeString', 'SysStringLen', 'VariantInit', 'VariantClear', 'VariantChangeType',
    'SafeArrayCreate', 'SafeArrayDestroy', 'SafeArrayGetLBound', 'SafeArrayGetUBound',
  ], [['msvcp_win.dll', ['?_Xbad_alloc@std@@YAXXZ']], ...CRT, 'api-ms-win-core-com-l1-1-0', ['rpcrt4.dll', ['NdrClientCall3']], ...CORE, NTDLL]),

  // ---- networking and small helpers -----------------------------------------------------
  // ws2_32 → rpcrt4: "ws2_32, rpcrt4" (timeout.exe, PING.EXE).
  dll('ws2_32.dll', 'Windows Socket 2.0 32-Bit DLL', 0x73000, 0x63000, [
    'WSAStartup', 'WSACleanup', 'socket', 'closesocket', 'connect', 'send', 'recv', 'bind', 'listen', 'accept',
    'getaddrinfo', 'freeaddrinfo', 'WSAGetLastError', 'htons', 'ntohs', 'inet_pton', 'select', 'setsockopt', 'WSAIoctl',
    'GetAddrInfoW',
  ], [['rpcrt4.dll', ['UuidCreate', 'RpcBindingFree']], NTDLL, ...CORE]),
  // The .NET runtime's shim: a managed EXE's start maps it before kernel32 (docs/loader.md), so
  // KERNEL32 comes first in its table: "mscoree, kernel32, KernelBase, advapi32, msvcrt, sechost,
  // rpcrt4" (SharpView.exe, OTRF cmd_sharpview_pcre_net, WORKSTATION5, 18362).
  dll('mscoree.dll', 'Microsoft .NET Runtime Execution Engine', 0x62000, 0x5a000, ['_CorExeMain', '_CorDllMain', 'CorBindToRuntimeEx', 'CLRCreateInstance'],
    [['KERNEL32.dll', ['GetModuleHandleW', 'LoadLibraryExW', 'GetProcAddress']], ['advapi32.dll', ['RegOpenKeyExW', 'RegQueryValueExW', 'RegCloseKey']], NTDLL, ...CORE]),
  dll('version.dll', 'Version Checking and File Installation Libraries', 0xc000, 0xa000, [
    'GetFileVersionInfoW', 'GetFileVersionInfoSizeW', 'VerQueryValueW', 'GetFileVersionInfoExW', 'GetFileVersionInfoSizeExW',
  ], [...CORE]),

  // ---- programs ---------------------------------------------------------------------------
  // Follows cmd.exe (pid 3948): msvcrt, combase, ucrtbase, rpcrt4, bcryptprimitives, sechost — exactly.
  program('cmd.exe', "Windows Command Processor", 0x62000, 0x55000, [
    ['msvcrt.dll', ['_wcsicmp', 'wcslen', '_initterm', 'exit', '__wgetmainargs']], KERNEL32, NTDLL, 'api-ms-win-core-console-l1-1-0',
    ['api-ms-win-core-com-l1-1-0', ['CoInitializeEx', 'CoUninitialize']], ['api-ms-win-security-sddl-l1-1-0', ['ConvertSidToStringSidW']],
  ]),
  // Follows sc.exe (pid 6116): msvcrt, rpcrt4, sechost — exactly.
  program('sc.exe', 'Service Control Manager Configuration Tool', 0x18000, 0x13000, [
    ['msvcrt.dll', ['wprintf', '_wcsicmp', '__wgetmainargs', 'exit']], KERNEL32, ['rpcrt4.dll', ['RpcStringFreeW', 'UuidToStringW']],
    'api-ms-win-service-management-l1-1-0', NTDLL,
  ]),
  // Follows timeout.exe (pid 7100): user32, win32u, gdi32, gdi32full, msvcp_win, ucrtbase, ws2_32, rpcrt4,
  // shlwapi, msvcrt, combase, bcryptprimitives, version, imm32 — exactly.
  program('timeout.exe', 'timeout - pauses command processing', 0x10000, 0xd000, [
    ['user32.dll', ['PeekMessageW', 'LoadStringW']], ['ws2_32.dll', ['WSAStartup']], ['shlwapi.dll', ['StrToIntW']],
    ['msvcrt.dll', ['wprintf', '__wgetmainargs', 'exit']], ['version.dll', ['GetFileVersionInfoW', 'VerQueryValueW']],
    ['imm32.dll', ['ImmDisableIME']], KERNEL32, NTDLL,
  ]),
  // Follows conhost.exe (pid 6388), filtered to the DLLs shipped here: msvcp_win, ucrtbase, SHCore, msvcrt,
  // rpcrt4, combase, bcryptprimitives, advapi32, sechost, user32, win32u, gdi32, gdi32full, imm32, shell32,
  // shlwapi, oleaut32.
  program('conhost.exe', 'Console Window Host', 0xc7000, 0, [
    ['msvcp_win.dll', ['?_Xbad_alloc@std@@YAXXZ', '?_Xlength_error@std@@YAXPEBD@Z']], ...CRT, ['SHCore.dll', ['GetDpiForMonitor', 'SetProcessDpiAwareness']],
    ['advapi32.dll', ['EventRegister', 'EventWriteTransfer', 'RegOpenKeyExW']], ['user32.dll', ['CreateWindowExW', 'GetMessageW', 'DispatchMessageW']],
    ['imm32.dll', ['ImmGetContext', 'ImmReleaseContext']], ['shell32.dll', ['ShellExecuteExW']], ['oleaut32.dll', ['SysAllocString', 'SysFreeString']],
    KERNEL32, NTDLL,
  ], { wow64Twin: false }),
  // No notepad run in the recording: follows the Windows 11 notepad head (gdi32, win32u, gdi32full,
  // msvcp_win, ucrtbase, user32, combase, rpcrt4, SHCore, ...), then what the classic notepad imports.
  program('notepad.exe', 'Notepad', 0x38000, 0x31000, [
    ['gdi32.dll', ['CreateFontIndirectW', 'SelectObject', 'GetTextMetricsW', 'DeleteObject']],
    ['user32.dll', ['CreateWindowExW', 'GetMessageW', 'DispatchMessageW', 'TranslateMessage', 'SetWindowTextW']],
    ['api-ms-win-core-com-l1-1-0', ['CoInitializeEx', 'CoCreateInstance', 'CoTaskMemFree']], ['SHCore.dll', ['SHStrDupW', 'CommandLineToArgvW']],
    ['advapi32.dll', ['RegOpenKeyExW', 'RegQueryValueExW', 'RegCloseKey']], ['shlwapi.dll', ['PathFindFileNameW', 'StrCmpIW']],
    ['shell32.dll', ['DragAcceptFiles', 'DragQueryFileW', 'DragFinish', 'ShellExecuteW']], ['oleaut32.dll', ['SysAllocString', 'VariantClear']],
    ...CRT, KERNEL32, NTDLL,
  ], { gui: true }),
  // Approximated (no explorer start recorded): the COM/shell stack a shell process loads.
  program('explorer.exe', 'Windows Explorer', 0x4e4000, 0, [
    ['msvcp_win.dll', ['?_Xbad_alloc@std@@YAXXZ']], ...CRT, 'api-ms-win-core-com-l1-1-0', ['SHCore.dll', ['IUnknown_QueryService', 'GetDpiForMonitor']],
    ['advapi32.dll', ['RegOpenKeyExW', 'RegQueryValueExW']], ['user32.dll', ['GetMessageW', 'DispatchMessageW', 'ShowWindow']],
    ['shlwapi.dll', ['PathFileExistsW', 'AssocQueryStringW']], ['shell32.dll', ['SHGetKnownFolderPath', 'Shell_NotifyIconW']],
    ['oleaut32.dll', ['SysAllocString', 'SysFreeString', 'VariantInit']], ['ole32.dll', ['OleInitialize', 'RegisterDragDrop']],
    ['imm32.dll', ['ImmAssociateContext']], KERNEL32, NTDLL,
  ], { folder: 'windows', gui: true, wow64Twin: false }),
  // Approximated: the service host takes the service contracts (sechost → rpcrt4), the UCRT, then COM.
  program('svchost.exe', 'Host Process for Windows Services', 0x14000, 0xf000, [
    'api-ms-win-service-core-l1-1-0', ...CRT, ['rpcrt4.dll', ['RpcServerListen', 'RpcServerRegisterIf']],
    ['api-ms-win-core-com-l1-1-0', ['CoInitializeEx']], 'api-ms-win-core-registry-l1-1-0', ...CORE, NTDLL,
  ]),
  // Approximated (lsasrv.dll and friends are not shipped).
  program('lsass.exe', 'Local Security Authority Process', 0x15000, 0, [
    ['msvcrt.dll', ['memset', 'exit', '_initterm']], ['rpcrt4.dll', ['RpcServerListen', 'RpcServerRegisterIf']],
    'api-ms-win-service-core-l1-1-0', 'api-ms-win-security-base-l1-1-0', ...CORE, NTDLL,
  ], { wow64Twin: false }),
  // Approximated (mscoree and the CLR are not shipped): msvcrt, then OLE (combase, user32, gdi32, advapi32).
  program('powershell.exe', 'Windows PowerShell', 0x72000, 0x6b000, [
    ['msvcrt.dll', ['wcslen', '_wcsicmp', '__wgetmainargs', 'exit']], ['ole32.dll', ['OleInitialize', 'CreateStreamOnHGlobal']],
    ['oleaut32.dll', ['SysAllocString', 'SysFreeString', 'VariantClear']], ['shlwapi.dll', ['PathCombineW']],
    ['api-ms-win-core-com-l1-1-0', ['CoInitializeEx', 'CoCreateInstance']], KERNEL32, NTDLL,
  ], { folder: 'powershell' }),
];
