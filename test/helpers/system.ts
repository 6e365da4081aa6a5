// Small hand-made systems for tests: a kernel with an empty volume and the few
// images a test needs, built with buildPe.
import {
  buildPe,
  IMAGE_FILE_MACHINE_AMD64,
  IMAGE_FILE_MACHINE_I386,
  Kernel,
  type KernelOptions,
  type LoadImageNotifyRoutine,
} from '../../src/index.js';

export interface Seen {
  name: string | null;
  pid: number;
  properties: number;
  base: bigint;
  size: number;
  currentPid: number;
  irql: number;
}

/** A kernel on an empty volume with ntdll/kernel32/KernelBase (x64 and SysWOW64) and `drivers\test.sys`. */
export function testKernel(options: KernelOptions = {}): Kernel {
  const kernel = new Kernel({ system: 'none', seed: 7, ...options });
  const native = kernel.nativeMachine;
  const dll = (exports: string[], imports?: Record<string, string[]>, machine = native) =>
    buildPe({ machine, dll: true, exports, ...(imports ? { imports } : {}) });
  kernel.fs.writeFile('C:\\Windows\\System32\\ntdll.dll', dll(['NtClose', 'LdrLoadDll']));
  kernel.fs.writeFile('C:\\Windows\\System32\\KernelBase.dll', dll(['CreateFileW'], { 'ntdll.dll': ['NtClose'] }));
  kernel.fs.writeFile('C:\\Windows\\System32\\kernel32.dll', dll(['CreateFileW', 'ExitProcess'], { 'KernelBase.dll': ['CreateFileW'] }));
  kernel.fs.writeFile('C:\\Windows\\System32\\user32.dll', dll(['MessageBoxW'], { 'kernel32.dll': ['ExitProcess'] }));
  kernel.fs.writeFile('C:\\Windows\\System32\\app.exe', buildPe({ machine: native, imports: { 'user32.dll': ['MessageBoxW'], 'kernel32.dll': ['ExitProcess'] } }));
  if (native === IMAGE_FILE_MACHINE_AMD64) {
    for (const name of ['ntdll.dll', 'kernel32.dll', 'KernelBase.dll']) {
      kernel.fs.writeFile(`C:\\Windows\\SysWOW64\\${name}`, dll(['X'], undefined, IMAGE_FILE_MACHINE_I386));
    }
    kernel.fs.writeFile('C:\\Windows\\SysWOW64\\user32.dll', dll(['MessageBoxW'], undefined, IMAGE_FILE_MACHINE_I386));
    // The native WoW64 DLLs a 32-bit process loads after its start reports (SEMANTICS.md §5B).
    for (const name of ['wow64.dll', 'wow64win.dll', 'wow64cpu.dll']) {
      kernel.fs.writeFile(`C:\\Windows\\System32\\${name}`, dll(['Wow64X'], { 'ntdll.dll': ['NtClose'] }));
    }
  }
  for (const name of ['test.sys', 'second.sys', 'third.sys']) {
    kernel.fs.writeFile(`C:\\Windows\\System32\\drivers\\${name}`, buildPe({ machine: native, driver: true, imports: { 'ntoskrnl.exe': ['IoCreateDevice'] } }));
  }
  return kernel;
}

/** A routine that records what it saw. */
export function recorder(kernel: Kernel, into: Seen[], tag?: string[]): LoadImageNotifyRoutine {
  return (name, pid, info) => {
    into.push({
      name,
      pid,
      properties: info.Properties,
      base: info.ImageBase,
      size: info.ImageSize,
      currentPid: kernel.ntoskrnl.PsGetCurrentProcessId(),
      irql: kernel.ntoskrnl.KeGetCurrentIrql(),
    });
    tag?.push(name ?? '(null)');
  };
}

export const TEST_SYS = 'C:\\Windows\\System32\\drivers\\test.sys';
export const SECOND_SYS = 'C:\\Windows\\System32\\drivers\\second.sys';
export const THIRD_SYS = 'C:\\Windows\\System32\\drivers\\third.sys';

/** The last two components of a reported name: `System32\\ntdll.dll`, `SysWOW64\\ntdll.dll`. */
export function shortName(name: string | null): string {
  if (name === null) return '(null)';
  return name.split('\\').slice(-2).join('\\');
}

/** Writes a DLL built by buildPe: `exports` (names, or { name, forwarder }), `imports` by DLL. */
export function writeDll(
  kernel: Kernel,
  path: string,
  machine: number,
  exports: (string | { name: string; forwarder?: string })[] = [],
  imports: Record<string, (string | number)[]> = {},
): void {
  kernel.fs.writeFile(path, buildPe({ machine, dll: true, exports, imports } as Parameters<typeof buildPe>[0]));
}
