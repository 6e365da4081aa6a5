// Kernel-mode images of the builtin system: ntoskrnl and hal (resident from
// boot, never loaded or reported: SEMANTICS.md §5C) and drivers in
// System32\drivers. Drivers import kernel-mode DLLs other than ntoskrnl/hal,
// so loading one loads and reports those first (§5C): loading tcpip.sys on a
// fresh kernel reports msrpc.sys, cng.sys, ksecdd.sys, netio.sys, ndis.sys,
// then tcpip.sys.
import type { CatalogImage, ImportEntry } from './types.js';

/** What ntoskrnl.exe exports (this file is the 22631 one; which routines exist is the build profile's call). */
const NTOSKRNL_EXPORTS = [
  'PsSetLoadImageNotifyRoutine', 'PsSetLoadImageNotifyRoutineEx', 'PsRemoveLoadImageNotifyRoutine',
  'PsSetCreateProcessNotifyRoutineEx', 'PsGetCurrentProcessId', 'KeGetCurrentIrql', 'KeAreApcsDisabled',
  'MmGetSystemRoutineAddress', 'IoCreateDevice', 'IoDeleteDevice', 'IofCompleteRequest', 'ExAllocatePool2',
  'ExFreePoolWithTag', 'KeBugCheckEx', 'ObfDereferenceObject', 'RtlInitUnicodeString', 'ZwClose', 'DbgPrint',
  'KeInitializeEvent', 'KeWaitForSingleObject', 'KeSetEvent', 'IoAllocateMdl', 'IoFreeMdl',
] as const;

const NT = (...functions: (typeof NTOSKRNL_EXPORTS)[number][]): ImportEntry => ['ntoskrnl.exe', functions];
const HAL: ImportEntry = ['HAL.dll', ['KeQueryPerformanceCounter', 'KeStallExecutionProcessor']];

const driver = (name: string, description: string, size: number, exports: readonly string[], imports: readonly ImportEntry[]): CatalogImage => ({
  name, kind: 'driver', folder: 'drivers', description, size64: size, size32: size, wow64Twin: false, exports, imports,
});

export const KERNEL_IMAGES: readonly CatalogImage[] = [
  {
    name: 'ntoskrnl.exe', kind: 'kernel', folder: 'system', description: 'NT Kernel & System', size64: 0x1046000, size32: 0x8c4000,
    wow64Twin: false, exports: NTOSKRNL_EXPORTS, imports: [],
  },
  {
    name: 'hal.dll', kind: 'kernel', folder: 'system', description: 'Hardware Abstraction Layer DLL', size64: 0x6000, size32: 0x6000,
    wow64Twin: false, exports: ['KeQueryPerformanceCounter', 'KeStallExecutionProcessor', 'HalGetBusDataByOffset'], imports: [],
  },
  driver('msrpc.sys', 'Kernel Remote Procedure Call Provider', 0x61000,
    ['RpcBindingFree', 'NdrClientCall3', 'RpcAsyncInitializeHandle', 'RpcStringBindingComposeW'], [NT('ExAllocatePool2', 'ExFreePoolWithTag', 'KeBugCheckEx')]),
  driver('cng.sys', 'Kernel Cryptography, Next Generation', 0xc4000,
    ['BCryptOpenAlgorithmProvider', 'BCryptCloseAlgorithmProvider', 'BCryptGenRandom', 'BCryptCreateHash', 'BCryptHashData', 'BCryptFinishHash', 'BCryptDestroyHash', 'SystemPrng'],
    [NT('ExAllocatePool2', 'ExFreePoolWithTag', 'RtlInitUnicodeString')]),
  // ksecdd → msrpc, cng.
  driver('ksecdd.sys', 'Kernel Security Support Provider Interface', 0x2d000,
    ['AcquireCredentialsHandleW', 'InitializeSecurityContextW', 'DeleteSecurityContext', 'FreeCredentialsHandle', 'KSecRegisterSecurityProvider'],
    [NT('ExAllocatePool2', 'IoCreateDevice', 'IofCompleteRequest'), ['msrpc.sys', ['RpcBindingFree', 'NdrClientCall3']], ['cng.sys', ['BCryptGenRandom', 'SystemPrng']]]),
  // NETIO → msrpc, ksecdd (→ cng).
  driver('netio.sys', 'Network I/O Subsystem', 0x8e000,
    ['NsiGetParameter', 'NsiSetAllParameters', 'NmrRegisterClient', 'NmrRegisterProvider', 'RtlCopyBufferToMdl'],
    [NT('ExAllocatePool2', 'ExFreePoolWithTag', 'KeInitializeEvent', 'IoAllocateMdl', 'IoFreeMdl'), HAL,
      ['msrpc.sys', ['RpcAsyncInitializeHandle', 'NdrClientCall3']], ['ksecdd.sys', ['AcquireCredentialsHandleW']], ['cng.sys', ['BCryptOpenAlgorithmProvider']]]),
  // NDIS → NETIO.
  driver('ndis.sys', 'Network Driver Interface Specification (NDIS)', 0x10a000,
    ['NdisAllocateNetBufferListPool', 'NdisFreeNetBufferListPool', 'NdisMRegisterMiniportDriver', 'NdisRegisterProtocolDriver', 'NdisAllocateMemoryWithTagPriority', 'NdisFreeMemory'],
    [NT('ExAllocatePool2', 'KeSetEvent', 'KeWaitForSingleObject'), HAL, ['NETIO.SYS', ['NmrRegisterClient', 'NmrRegisterProvider']]]),
  // tcpip → NETIO, msrpc, ksecdd, NDIS (the real tcpip.sys imports all four).
  driver('tcpip.sys', 'TCP/IP Driver', 0x2fd000, ['IPv4AddressToStringW'],
    [NT('ExAllocatePool2', 'ExFreePoolWithTag', 'IoCreateDevice', 'KeBugCheckEx'), HAL, ['NETIO.SYS', ['NsiGetParameter', 'RtlCopyBufferToMdl']],
      ['msrpc.sys', ['RpcBindingFree']], ['ksecdd.sys', ['InitializeSecurityContextW']], ['NDIS.SYS', ['NdisAllocateNetBufferListPool', 'NdisFreeNetBufferListPool']]]),
  driver('fltmgr.sys', 'Microsoft Filesystem Filter Manager', 0x7a000,
    ['FltRegisterFilter', 'FltUnregisterFilter', 'FltStartFiltering', 'FltGetFileNameInformation', 'FltReleaseFileNameInformation', 'FltSendMessage'],
    [NT('ExAllocatePool2', 'ExFreePoolWithTag', 'IoCreateDevice', 'ObfDereferenceObject'), HAL]),
  // Ntfs → ksecdd (→ msrpc, cng).
  driver('ntfs.sys', 'NT File System Driver', 0x306000, [],
    [NT('ExAllocatePool2', 'ExFreePoolWithTag', 'IofCompleteRequest', 'KeBugCheckEx'), HAL, ['ksecdd.sys', ['AcquireCredentialsHandleW']]]),
];
