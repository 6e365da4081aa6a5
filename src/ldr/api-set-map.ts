// The builtin API-set map: what the loader uses when the volume has no
// C:\Windows\System32\apisetschema.dll. It covers the contract families that
// Windows 10/11 system DLLs and UCRT programs really import, by the hosts a
// Windows 11 schema names for them (compiled from the documented API-set
// lists on learn.microsoft.com and schema dumps; docs/loader.md).
// Keys are matched against the contract name without `.dll` and without its
// version, longest prefix first, so `api-ms-win-core-file-l1-2-4` matches
// `api-ms-win-core-file-` unless a longer family is listed.

/** Family prefix → host DLL (lower case). An empty string means "no host". */
const FAMILIES: ReadonlyArray<readonly [string, string]> = [
  // Core Win32: nearly all in KernelBase since Windows 8.1.
  ['api-ms-win-core-', 'kernelbase.dll'],
  ['api-ms-win-core-apiquery-', 'ntdll.dll'],
  ['api-ms-win-core-crt-l1-', 'ntdll.dll'],
  ['api-ms-win-core-rtlsupport-', 'ntdll.dll'],
  ['api-ms-win-core-com-', 'combase.dll'],
  ['api-ms-win-core-com-private-', 'combase.dll'],
  ['api-ms-win-core-marshal-', 'combase.dll'],
  ['api-ms-win-core-winrt-', 'combase.dll'],
  ['api-ms-win-core-privateprofile-', 'kernel32.dll'],
  ['api-ms-win-core-atoms-', 'kernel32.dll'],
  ['api-ms-win-core-kernel32-legacy-', 'kernel32.dll'],
  ['api-ms-win-core-kernel32-private-', 'kernel32.dll'],
  ['api-ms-win-core-registryuserspecific-', 'kernelbase.dll'],
  ['api-ms-win-core-psm-appnotify-', 'twinapi.appcore.dll'],
  ['api-ms-win-core-shlwapi-', 'kernelbase.dll'],
  // The Universal CRT.
  ['api-ms-win-crt-', 'ucrtbase.dll'],
  // Security, services, eventing.
  ['api-ms-win-security-base-', 'kernelbase.dll'],
  ['api-ms-win-security-appcontainer-', 'kernelbase.dll'],
  ['api-ms-win-security-sddl-', 'sechost.dll'],
  ['api-ms-win-security-lsalookup-l1-', 'sechost.dll'],
  ['api-ms-win-security-lsalookup-l2-', 'advapi32.dll'],
  ['api-ms-win-security-lsapolicy-', 'sechost.dll'],
  ['api-ms-win-security-credentials-', 'sechost.dll'],
  ['api-ms-win-security-capability-', 'sechost.dll'],
  ['api-ms-win-security-audit-', 'sechost.dll'],
  ['api-ms-win-security-provider-', 'advapi32.dll'],
  ['api-ms-win-security-trustee-', 'advapi32.dll'],
  ['api-ms-win-security-systemfunctions-', 'advapi32.dll'],
  ['api-ms-win-security-cryptoapi-', 'cryptsp.dll'],
  ['api-ms-win-service-', 'sechost.dll'],
  ['api-ms-win-service-winsvc-', 'sechost.dll'],
  ['api-ms-win-eventing-classicprovider-', 'kernelbase.dll'],
  ['api-ms-win-eventing-provider-', 'kernelbase.dll'],
  ['api-ms-win-eventing-controller-', 'sechost.dll'],
  ['api-ms-win-eventing-consumer-', 'sechost.dll'],
  ['api-ms-win-eventing-obsolete-', 'sechost.dll'],
  ['api-ms-win-eventing-legacy-', 'advapi32.dll'],
  ['api-ms-win-eventing-tdh-', 'tdh.dll'],
  ['api-ms-win-base-util-', 'advapi32.dll'],
  ['api-ms-win-base-bootconfig-', 'advapi32.dll'],
  // Shell, UI, devices.
  ['api-ms-win-shcore-', 'shcore.dll'],
  ['api-ms-win-shell-shellcom-', 'kernelbase.dll'],
  ['api-ms-win-shell-shellfolders-', 'windows.storage.dll'],
  ['api-ms-win-shell-namespace-', 'windows.storage.dll'],
  ['api-ms-win-ntuser-', 'user32.dll'],
  ['api-ms-win-rtcore-ntuser-', 'user32.dll'],
  ['api-ms-win-gdi-', 'gdi32.dll'],
  ['api-ms-win-devices-config-', 'cfgmgr32.dll'],
  ['api-ms-win-devices-query-', 'cfgmgr32.dll'],
  ['api-ms-win-power-base-', 'powrprof.dll'],
  ['api-ms-win-power-setting-', 'powrprof.dll'],
  ['api-ms-win-mm-time-', 'kernelbase.dll'],
  ['api-ms-win-appmodel-runtime-', 'kernelbase.dll'],
  ['api-ms-win-appmodel-state-', 'kernel.appcore.dll'],
  ['api-ms-win-downlevel-kernel32-', 'kernelbase.dll'],
  ['api-ms-win-downlevel-advapi32-', 'advapi32.dll'],
  ['api-ms-win-downlevel-user32-', 'user32.dll'],
  ['api-ms-win-downlevel-shlwapi-', 'kernelbase.dll'],
  ['api-ms-win-downlevel-ole32-', 'combase.dll'],
  // Extension sets whose host exists on every desktop edition.
  ['ext-ms-win-ntuser-', 'user32.dll'],
  ['ext-ms-win-gdi-', 'gdi32.dll'],
  ['ext-ms-win-advapi32-', 'advapi32.dll'],
  ['ext-ms-win-kernel32-', 'kernel32.dll'],
];

/** Longest prefix first. */
const ORDERED = [...FAMILIES].sort((a, b) => b[0].length - a[0].length);

/**
 * The host the builtin map gives `matchKey` (a contract name without `.dll`
 * and version, see apiSetMatchKey), or null when no family covers it.
 */
export function builtinApiSetHost(matchKey: string): string | null {
  const name = `${matchKey}-`;
  for (const [prefix, host] of ORDERED) if (name.startsWith(prefix)) return host;
  return null;
}
