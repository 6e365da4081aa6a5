// isMachineTypeMismatch against the rule table of SEMANTICS.md §6 (and the
// rule per build of §9), written out by hand from the text, cell by cell: one
// test per rule × OS machine × process kind × image machine × containsCode.
//
// §6, "Rule of 20H1 and later" ('process'): mismatch = the image contains code
//   AND its machine differs from the process's machine (a WoW64 process's guest
//   machine), EXCEPT that AMD64 images in a WoW64 process are never a mismatch.
// §6, "Rule of 1709–1809" ('os-native'): mismatch = contains code AND the image
//   machine is not the OS's native machine AND the process is not a 32-bit
//   WoW64 process.
// §9: builds before 1709 ('none') never set the bit.
// §6 leaves ARM64EC/ARM64X/CHPE (x64 emulation on ARM64) open: not tabled here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MismatchRule } from '../src/ke/profile.js';
import { isMachineTypeMismatch } from '../src/mm/mismatch.js';
import {
  IMAGE_FILE_MACHINE_AMD64,
  IMAGE_FILE_MACHINE_ARM64,
  IMAGE_FILE_MACHINE_ARMNT,
  IMAGE_FILE_MACHINE_I386,
} from '../src/nt/constants.js';

type Machine = 'i386' | 'amd64' | 'arm64' | 'armnt';
type ProcessKind = 'native' | 'WoW64 x86' | 'WoW64 ARM32';

const MACHINE: Record<Machine, number> = {
  i386: IMAGE_FILE_MACHINE_I386,
  amd64: IMAGE_FILE_MACHINE_AMD64,
  arm64: IMAGE_FILE_MACHINE_ARM64,
  armnt: IMAGE_FILE_MACHINE_ARMNT,
};

/** The process's machine as §6 means it: the OS's for a native process, the guest's under WoW64. */
function processMachine(os: Machine, kind: ProcessKind): Machine {
  return kind === 'native' ? os : kind === 'WoW64 x86' ? 'i386' : 'armnt';
}

/** Expected MachineTypeMismatch for an image that contains code, per image machine; Y = 1, . = 0. */
interface Row {
  rule: MismatchRule;
  os: Machine;
  process: ProcessKind;
  /** Images with code: i386 amd64 arm64 armnt. */
  code: { i386: boolean; amd64: boolean; arm64: boolean; armnt: boolean };
  /** Resource-only images (no code): §6 "resource-only image (no code) | any | no". */
  noCode: { i386: boolean; amd64: boolean; arm64: boolean; armnt: boolean };
  /** Cells where the code is known to disagree with the table, and why. */
  disputed?: Partial<Record<Machine, string>>;
}

const Y = true;
const N = false;
const NONE = { i386: N, amd64: N, arm64: N, armnt: N };

// The OSes and process kinds: x64 runs native and WoW64 x86 processes; ARM64 runs native, WoW64 x86 and
// WoW64 ARM32 processes; 32-bit x86 Windows has no WoW64.
const TABLE: Row[] = [
  // §9 builds before 1709: the bit is never set.
  { rule: 'none', os: 'amd64', process: 'native', code: NONE, noCode: NONE },
  { rule: 'none', os: 'amd64', process: 'WoW64 x86', code: NONE, noCode: NONE },
  { rule: 'none', os: 'arm64', process: 'native', code: NONE, noCode: NONE },
  { rule: 'none', os: 'arm64', process: 'WoW64 x86', code: NONE, noCode: NONE },
  { rule: 'none', os: 'arm64', process: 'WoW64 ARM32', code: NONE, noCode: NONE },
  { rule: 'none', os: 'i386', process: 'native', code: NONE, noCode: NONE },

  // §6 1709–1809: not the OS's machine, and not a 32-bit WoW64 process.
  { rule: 'os-native', os: 'amd64', process: 'native', code: { i386: Y, amd64: N, arm64: Y, armnt: Y }, noCode: NONE },
  { rule: 'os-native', os: 'amd64', process: 'WoW64 x86', code: { i386: N, amd64: N, arm64: N, armnt: N }, noCode: NONE },
  { rule: 'os-native', os: 'arm64', process: 'native', code: { i386: Y, amd64: Y, arm64: N, armnt: Y }, noCode: NONE },
  { rule: 'os-native', os: 'arm64', process: 'WoW64 x86', code: { i386: N, amd64: N, arm64: N, armnt: N }, noCode: NONE },
  { rule: 'os-native', os: 'arm64', process: 'WoW64 ARM32', code: { i386: N, amd64: N, arm64: N, armnt: N }, noCode: NONE },
  { rule: 'os-native', os: 'i386', process: 'native', code: { i386: N, amd64: Y, arm64: Y, armnt: Y }, noCode: NONE },

  // §6 20H1+: differs from the process's (guest) machine; AMD64 images in a WoW64 process never.
  // x64 rows are §6's example table: x86 DLL into WoW64 x86 no; x64 DLL into WoW64 no;
  // x86 DLL into native x64 yes; ARM64 DLL into native x64 yes.
  { rule: 'process', os: 'amd64', process: 'native', code: { i386: Y, amd64: N, arm64: Y, armnt: Y }, noCode: NONE },
  { rule: 'process', os: 'amd64', process: 'WoW64 x86', code: { i386: N, amd64: N, arm64: Y, armnt: Y }, noCode: NONE },
  { rule: 'process', os: 'arm64', process: 'native', code: { i386: Y, amd64: Y, arm64: N, armnt: Y }, noCode: NONE },
  // On an ARM64 OS the native images a WoW64 process needs (wow64*.dll, the native
  // ntdll) are ARM64: §6's exemption names them, so the model exempts the OS's own
  // machine as well as AMD64 (docs/semantics.md, "MachineTypeMismatch on ARM64").
  { rule: 'process', os: 'arm64', process: 'WoW64 x86', code: { i386: N, amd64: N, arm64: N, armnt: Y }, noCode: NONE },
  { rule: 'process', os: 'arm64', process: 'WoW64 ARM32', code: { i386: Y, amd64: N, arm64: N, armnt: N }, noCode: NONE },
  { rule: 'process', os: 'i386', process: 'native', code: { i386: N, amd64: Y, arm64: Y, armnt: Y }, noCode: NONE },
];

const IMAGES: Machine[] = ['i386', 'amd64', 'arm64', 'armnt'];

test('the table covers every rule × OS machine × process kind once', () => {
  const keys = TABLE.map((r) => `${r.rule}/${r.os}/${r.process}`);
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(TABLE.length, 3 * 6);
});

for (const row of TABLE) {
  for (const image of IMAGES) {
    for (const containsCode of [true, false]) {
      const expected = (containsCode ? row.code : row.noCode)[image];
      const todo = containsCode ? row.disputed?.[image] : undefined;
      const name =
        `${row.rule} rule, ${row.os} OS, ${row.process} process: ` +
        `${containsCode ? 'an' : 'a resource-only'} ${image} image ${expected ? 'is' : 'is not'} a mismatch`;
      test(name, todo === undefined ? {} : { todo }, () => {
        const actual = isMachineTypeMismatch({
          rule: row.rule,
          nativeMachine: MACHINE[row.os],
          imageMachine: MACHINE[image],
          imageContainsCode: containsCode,
          processMachine: MACHINE[processMachine(row.os, row.process)],
          processIsWow64: row.process !== 'native',
        });
        assert.equal(actual, expected);
      });
    }
  }
}
