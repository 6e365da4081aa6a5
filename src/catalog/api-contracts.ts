// The API-set contracts the builtin images import through, and what each one
// imports. Real system DLLs import most of KernelBase and the UCRT through
// api-ms-win-* names (SEMANTICS.md §5B: the loader resolves them to a host);
// every name here must be resolved by the loader's builtin API-set map
// (src/ldr/api-set-map.ts), and every function must be exported by the host.
import { builtinApiSetHost } from '../ldr/api-set-map.js';
import { apiSetMatchKey } from '../ldr/dll-name.js';

/** Contract → the functions the builtin images import from it; the host is in the comment. */
export const CONTRACT_FUNCTIONS = {
  // → kernelbase.dll
  'api-ms-win-core-processthreads-l1-1-0': ['GetCurrentProcess', 'GetCurrentProcessId', 'GetCurrentThreadId', 'TerminateProcess', 'ExitProcess', 'GetStartupInfoW', 'CreateProcessW', 'OpenProcessToken'],
  'api-ms-win-core-synch-l1-1-0': ['WaitForSingleObject', 'CreateEventW', 'SetEvent', 'EnterCriticalSection', 'LeaveCriticalSection', 'InitializeCriticalSectionEx'],
  'api-ms-win-core-heap-l1-1-0': ['GetProcessHeap', 'HeapAlloc', 'HeapFree'],
  'api-ms-win-core-libraryloader-l1-2-0': ['LoadLibraryExW', 'GetProcAddress', 'GetModuleHandleW', 'FreeLibrary', 'GetModuleFileNameW'],
  'api-ms-win-core-errorhandling-l1-1-0': ['GetLastError', 'SetLastError', 'SetUnhandledExceptionFilter', 'UnhandledExceptionFilter'],
  'api-ms-win-core-file-l1-1-0': ['CreateFileW', 'ReadFile', 'WriteFile', 'GetFileSizeEx', 'FindFirstFileW', 'FindNextFileW', 'FindClose'],
  'api-ms-win-core-handle-l1-1-0': ['CloseHandle', 'DuplicateHandle'],
  'api-ms-win-core-memory-l1-1-0': ['VirtualAlloc', 'VirtualFree', 'VirtualProtect', 'VirtualQuery'],
  'api-ms-win-core-registry-l1-1-0': ['RegOpenKeyExW', 'RegQueryValueExW', 'RegCloseKey', 'RegSetValueExW'],
  'api-ms-win-core-string-l1-1-0': ['MultiByteToWideChar', 'WideCharToMultiByte', 'CompareStringW'],
  'api-ms-win-core-console-l1-1-0': ['GetConsoleMode', 'SetConsoleMode', 'ReadConsoleW', 'WriteConsoleW'],
  'api-ms-win-security-base-l1-1-0': ['GetTokenInformation', 'AllocateAndInitializeSid', 'FreeSid', 'EqualSid'],
  // → ucrtbase.dll
  'api-ms-win-crt-runtime-l1-1-0': ['_initterm', '_initterm_e', 'exit', '_exit', '_cexit', '_c_exit', '_crt_atexit', '_register_onexit_function', '_initialize_onexit_table', '_seh_filter_exe', '_set_app_type', '_configure_wide_argv', '_initialize_wide_environment'],
  'api-ms-win-crt-heap-l1-1-0': ['malloc', 'free', 'calloc', 'realloc', '_set_new_mode'],
  'api-ms-win-crt-string-l1-1-0': ['strlen', 'wcslen', 'strcmp', 'wcscmp', 'memset', '_wcsicmp'],
  'api-ms-win-crt-stdio-l1-1-0': ['__acrt_iob_func', '__stdio_common_vfwprintf', '__stdio_common_vswprintf', 'fflush', '_set_fmode'],
  'api-ms-win-crt-locale-l1-1-0': ['_configthreadlocale'],
  'api-ms-win-crt-math-l1-1-0': ['__setusermatherr'],
  // → sechost.dll
  'api-ms-win-service-core-l1-1-0': ['StartServiceCtrlDispatcherW', 'RegisterServiceCtrlHandlerExW', 'SetServiceStatus'],
  'api-ms-win-service-management-l1-1-0': ['OpenSCManagerW', 'OpenServiceW', 'CloseServiceHandle', 'StartServiceW'],
  'api-ms-win-security-sddl-l1-1-0': ['ConvertStringSecurityDescriptorToSecurityDescriptorW', 'ConvertSidToStringSidW'],
  // → combase.dll
  'api-ms-win-core-com-l1-1-0': ['CoInitializeEx', 'CoUninitialize', 'CoCreateInstance', 'CoTaskMemAlloc', 'CoTaskMemFree'],
} as const satisfies Record<string, readonly string[]>;

export type ContractName = keyof typeof CONTRACT_FUNCTIONS;

/** The host the loader's builtin API-set map gives `contract` (lower case), or null. */
export function contractHost(contract: string): string | null {
  return builtinApiSetHost(apiSetMatchKey(contract)) || null;
}

/** Every function of the contracts hosted by `host`: the host must export them all. */
export function functionsHostedBy(host: string): string[] {
  const names: string[] = [];
  for (const [contract, functions] of Object.entries(CONTRACT_FUNCTIONS)) {
    if (contractHost(contract) === host) names.push(...functions);
  }
  return names;
}
