// Forwarded exports: `NTDLL.RtlAllocateHeap`, `api-ms-win-core-heap-l1-1-0.HeapAlloc`,
// `KERNELBASE.#12` (by ordinal). The loader follows them to their DLL, loading it
// once, when an import resolves to one (docs/loader.md, "Forwarders").
import { NtStatusError, STATUS_INVALID_IMAGE_FORMAT } from '../nt/status.js';

export interface Forwarder {
  /** Folded DLL name with `.dll` (`ntdll.dll`, `windows.storage.dll`). */
  dll: string;
  /** The export name, or its ordinal for `DLL.#N`. */
  target: string | number;
}

/** Splits at the last dot: export names have none, DLL names may (`windows.storage.X`). */
export function parseForwarder(text: string, where: string): Forwarder {
  const dot = text.lastIndexOf('.');
  if (dot <= 0 || dot === text.length - 1) {
    throw new NtStatusError(STATUS_INVALID_IMAGE_FORMAT, `${where}: forwarder ${JSON.stringify(text)} is not DLL.Function`);
  }
  const module = text.slice(0, dot).toLowerCase();
  const rest = text.slice(dot + 1);
  let target: string | number = rest;
  if (rest.startsWith('#')) {
    const ordinal = Number(rest.slice(1));
    if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal > 0xffff) {
      throw new NtStatusError(STATUS_INVALID_IMAGE_FORMAT, `${where}: forwarder ${JSON.stringify(text)} has a bad ordinal`);
    }
    target = ordinal;
  }
  return { dll: module.endsWith('.dll') ? module : `${module}.dll`, target };
}
