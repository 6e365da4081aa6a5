// Import-table pieces the catalog's images share (catalog-user.ts and the release files), spelled
// as real import tables spell them.
import type { ImportEntry } from './types.js';

/** KernelBase contracts most system DLLs import. */
export const CORE: readonly ImportEntry[] = [
  'api-ms-win-core-heap-l1-1-0',
  'api-ms-win-core-synch-l1-1-0',
  'api-ms-win-core-errorhandling-l1-1-0',
  'api-ms-win-core-libraryloader-l1-2-0',
  'api-ms-win-core-processthreads-l1-1-0',
  'api-ms-win-core-handle-l1-1-0',
];
/** UCRT contracts (hosted by ucrtbase.dll). */
export const CRT: readonly ImportEntry[] = ['api-ms-win-crt-runtime-l1-1-0', 'api-ms-win-crt-heap-l1-1-0', 'api-ms-win-crt-string-l1-1-0'];
export const NTDLL: ImportEntry = ['ntdll.dll', ['NtClose', 'RtlAllocateHeap', 'RtlFreeHeap']];
