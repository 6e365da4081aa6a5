// The Sigma value semantics of src/detect, one behaviour per test: wildcards
// and Sigma's escaping, case rules, null / empty / numbers / booleans,
// keywords, lists and lists of maps, and every field modifier (contains,
// startswith, endswith, all, cased, windash, base64, base64offset,
// wide/utf16*, re with i/m/s, cidr, exists, fieldref, gt/gte/lt/lte, neq).
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import { compileRule, type CompiledRule, type RuleProblem } from '../src/detect/index.js';

/** Compiles a process_creation rule from the lines of its `detection` block (indented by 4). */
function compile(detection: string): CompiledRule | RuleProblem {
  return compileRule(`title: unit
id: 00000000-0000-4000-8000-000000000001
logsource:
    category: process_creation
    product: windows
detection:
${detection}
`);
}

function rule(detection: string): CompiledRule {
  const r = compile(detection);
  if (r.kind === 'problem') assert.fail(`rule did not compile: ${r.code} ${r.key}: ${r.reason}`);
  return r;
}

function problem(detection: string): RuleProblem {
  const r = compile(detection);
  if (r.kind === 'rule') assert.fail('rule compiled, a problem was expected');
  return r;
}

/** A one-item rule `field: value` (value given as YAML text). */
function item(key: string, value: string): CompiledRule {
  return rule(`    selection:\n        ${key}: ${value}\n    condition: selection`);
}

test('a plain value matches the whole value, case-insensitively', () => {
  const r = item('Image', "'C:\\Windows\\System32\\cmd.exe'");
  assert.equal(r.matches({ Image: 'C:\\Windows\\System32\\cmd.exe' }), true);
  assert.equal(r.matches({ Image: 'c:\\windows\\system32\\CMD.EXE' }), true);
  assert.equal(r.matches({ Image: 'C:\\Windows\\System32\\cmd.exe2' }), false);
  assert.equal(r.matches({ Image: 'x C:\\Windows\\System32\\cmd.exe' }), false);
  assert.equal(r.matches({}), false, 'a missing field does not match');
});

test('case folding covers non-ASCII letters and Greek final sigma', () => {
  assert.equal(item('Description', "'ÄRGER ΣΟΦΟΣ'").matches({ Description: 'ärger σοφος' }), true);
  assert.equal(item('Description|contains', "'Σ'").matches({ Description: 'ΟΔΟΣ' }), true, 'final Σ folds to σ like any Σ');
  assert.equal(item('Description', "'İ?'").matches({ Description: 'İx' }), true, 'a letter whose lower case is longer still counts as one character');
});

test('* matches any run (the empty one too), ? exactly one character', () => {
  const star = item('Image', "'C:\\\\*\\cmd.exe'");
  assert.equal(star.matches({ Image: 'C:\\Windows\\System32\\cmd.exe' }), true);
  assert.equal(star.matches({ Image: 'C:\\\\cmd.exe' }), true, 'the empty run');
  assert.equal(star.matches({ Image: 'D:\\x\\cmd.exe' }), false);
  const one = item('Image', "'a?c'");
  assert.equal(one.matches({ Image: 'abc' }), true);
  assert.equal(one.matches({ Image: 'ac' }), false);
  assert.equal(one.matches({ Image: 'abbc' }), false);
  assert.equal(one.matches({ Image: 'a😀c' }), true, '? is one code point, even outside the BMP');
  const overlap = item('Image', "'ab*ba'");
  assert.equal(overlap.matches({ Image: 'aba' }), false, 'prefix and suffix may not overlap');
  assert.equal(overlap.matches({ Image: 'abba' }), true);
});

test('escaping: \\* and \\? are literal, \\\\* is a backslash then a wildcard, \\\\\\* a backslash and a literal star', () => {
  const litStar = item('F', "'a\\*b'");
  assert.equal(litStar.matches({ F: 'a*b' }), true);
  assert.equal(litStar.matches({ F: 'axb' }), false);
  const litQ = item('F', "'what\\?'");
  assert.equal(litQ.matches({ F: 'what?' }), true);
  assert.equal(litQ.matches({ F: 'whatx' }), false);
  const bsStar = item('F', "'C:\\\\*'");
  assert.equal(bsStar.matches({ F: 'C:\\' }), true);
  assert.equal(bsStar.matches({ F: 'C:\\Windows' }), true);
  assert.equal(bsStar.matches({ F: 'C:' }), false);
  const bsLitStar = item('F', "'a\\\\\\*'");
  assert.equal(bsLitStar.matches({ F: 'a\\*' }), true);
  assert.equal(bsLitStar.matches({ F: 'a\\x' }), false);
  // `C:\Windows\*`: \W is a plain backslash, \* a literal star — not "anything under C:\Windows\".
  const windows = item('F', "'C:\\Windows\\*'");
  assert.equal(windows.matches({ F: 'C:\\Windows*' }), true);
  assert.equal(windows.matches({ F: 'C:\\Windows\\System32' }), false);
});

test('escaping: a backslash before another character or at the end is literal; \\\\\\\\ is two backslashes', () => {
  assert.equal(item('F', "'C:\\Temp'").matches({ F: 'C:\\Temp' }), true, 'single backslash');
  assert.equal(item('F', "'C:\\\\Temp'").matches({ F: 'C:\\Temp' }), true, 'double backslash before a letter is one backslash');
  const trailing = item('F', "'dir\\'");
  assert.equal(trailing.matches({ F: 'dir\\' }), true);
  assert.equal(trailing.matches({ F: 'dir' }), false);
  const four = item('F', "'a\\\\\\\\b'");
  assert.equal(four.matches({ F: 'a\\\\b' }), true);
  assert.equal(four.matches({ F: 'a\\b' }), false);
  const three = item('F', "'a\\\\\\b'");
  assert.equal(three.matches({ F: 'a\\\\b' }), true, 'three backslashes before a plain character are two');
});

test('contains, startswith, endswith', () => {
  assert.equal(item('CommandLine|contains', "' -enc '").matches({ CommandLine: 'powershell -ENC abc' }), true);
  assert.equal(item('CommandLine|contains', "' -enc '").matches({ CommandLine: 'powershell -encodedcommand' }), false);
  assert.equal(item('Image|startswith', "'C:\\Users\\'").matches({ Image: 'c:\\users\\bob\\a.exe' }), true);
  assert.equal(item('Image|startswith', "'C:\\Users\\'").matches({ Image: 'D:\\C:\\Users\\' }), false);
  assert.equal(item('Image|endswith', "'\\rundll32.exe'").matches({ Image: 'C:\\Windows\\System32\\RUNDLL32.EXE' }), true);
  assert.equal(item('Image|endswith', "'\\rundll32.exe'").matches({ Image: 'C:\\rundll32.exe.bak' }), false);
  assert.equal(item('CommandLine|contains', "'a*b'").matches({ CommandLine: 'xx a yy b zz' }), true, 'wildcards inside contains');
  assert.equal(item('CommandLine|contains', "''").matches({ CommandLine: 'anything' }), true, "contains '' is any present value");
  assert.equal(item('CommandLine|contains', "''").matches({}), false);
});

test('cased makes the comparison exact', () => {
  const r = item('CommandLine|contains|cased', "'IEX'");
  assert.equal(r.matches({ CommandLine: 'x IEX y' }), true);
  assert.equal(r.matches({ CommandLine: 'x iex y' }), false);
});

test('lists are OR; |all makes them AND; lists of maps are OR of ANDs', () => {
  const or = item('Image|endswith', "['\\a.exe', '\\b.exe']");
  assert.equal(or.matches({ Image: 'C:\\a.exe' }), true);
  assert.equal(or.matches({ Image: 'C:\\b.exe' }), true);
  assert.equal(or.matches({ Image: 'C:\\c.exe' }), false);
  const all = item('CommandLine|contains|all', "['-a', '-b']");
  assert.equal(all.matches({ CommandLine: 'x -b -a' }), true);
  assert.equal(all.matches({ CommandLine: 'x -a' }), false);
  const maps = rule(`    selection:
        - Image|endswith: '\\x.exe'
          CommandLine|contains: 'go'
        - OriginalFileName: 'x.exe'
    condition: selection`);
  assert.equal(maps.matches({ Image: 'C:\\x.exe', CommandLine: 'go now' }), true);
  assert.equal(maps.matches({ Image: 'C:\\x.exe', CommandLine: 'stop' }), false, 'the first map needs both items');
  assert.equal(maps.matches({ OriginalFileName: 'X.EXE' }), true);
  const map = rule(`    selection:
        Image|endswith: '\\x.exe'
        CommandLine|contains: 'go'
    condition: selection`);
  assert.equal(map.matches({ Image: 'C:\\x.exe' }), false, 'the items of a map are ANDed');
});

test('null matches a missing (or null) field, not an empty one; empty matches only empty', () => {
  const isNull = item('CommandLine', 'null');
  assert.equal(isNull.matches({}), true);
  assert.equal(isNull.matches({ CommandLine: null }), true);
  assert.equal(isNull.matches({ CommandLine: '' }), false);
  assert.equal(isNull.matches({ CommandLine: 'x' }), false);
  const empty = item('CommandLine', "''");
  assert.equal(empty.matches({ CommandLine: '' }), true);
  assert.equal(empty.matches({}), false);
  const either = item('CommandLine', "[null, '', '-']");
  assert.equal(either.matches({}), true);
  assert.equal(either.matches({ CommandLine: '-' }), true);
  assert.equal(either.matches({ CommandLine: 'a' }), false);
  assert.equal(item('CommandLine', "'null'").matches({ CommandLine: 'NULL' }), true, "a quoted 'null' is a string");
});

test('numbers and booleans in rules compare with the strings (or numbers, booleans) events carry', () => {
  const pid = item('ProcessId', '4460');
  assert.equal(pid.matches({ ProcessId: 4460 }), true);
  assert.equal(pid.matches({ ProcessId: '4460' }), true);
  assert.equal(pid.matches({ ProcessId: 44600 }), false);
  const hex = item('LogonId', '0x3e7');
  assert.equal(hex.matches({ LogonId: '0x3E7' }), true, 'a number is compared as written, not as 999');
  assert.equal(hex.matches({ LogonId: '999' }), false);
  const signed = item('Signed', 'false');
  assert.equal(signed.matches({ Signed: 'false' }), true);
  assert.equal(signed.matches({ Signed: false }), true);
  assert.equal(signed.matches({ Signed: 'FALSE' }), true);
  assert.equal(signed.matches({ Signed: 'true' }), false);
  assert.equal(item('Signed', "'false'").matches({ Signed: false }), true, "'false' (string) and false (boolean) agree");
});

test('an event field holding a list matches when any element does', () => {
  const r = item('Tags|contains', "'evil'");
  assert.equal(r.matches({ Tags: ['good', 'Evil-one'] }), true);
  assert.equal(r.matches({ Tags: ['good'] }), false);
});

test('keywords search every value of the event, with implicit contains', () => {
  const kw = rule(`    keywords:
        - 'perfc.dat'
        - 'mimikatz'
    condition: keywords`);
  assert.equal(kw.matches({ CommandLine: 'rundll32 C:\\perfc.dat,#1' }), true);
  assert.equal(kw.matches({ Image: 'C:\\x\\MIMIKATZ.exe' }), true);
  assert.equal(kw.matches({ CommandLine: 'calc' }), false);
  assert.equal(kw.matches({ ProcessId: 4460 }), false);
  const all = rule(`    keywords:
        '|all':
            - 'OabVirtualDirectory'
            - ' -ExternalUrl '
    condition: keywords`);
  assert.equal(all.matches({ A: 'Set-OabVirtualDirectory', B: 'x -ExternalUrl y' }), true, 'each keyword in some field');
  assert.equal(all.matches({ A: 'Set-OabVirtualDirectory' }), false);
  const number = rule(`    keywords:\n        - 4460\n    condition: keywords`);
  assert.equal(number.matches({ ProcessId: 14460 }), true, 'numbers are searched as text');
});

test('windash: -, /, en dash, em dash and horizontal bar are interchangeable', () => {
  const r = item('CommandLine|contains|windash', "' -exec bypass'");
  for (const dash of ['-', '/', '\u2013', '\u2014', '\u2015']) {
    assert.equal(r.matches({ CommandLine: `powershell ${dash}exec bypass` }), true, `dash U+${dash.codePointAt(0)!.toString(16)}`);
  }
  assert.equal(r.matches({ CommandLine: 'powershell +exec bypass' }), false);
  assert.equal(r.matches({ CommandLine: 'powershell exec bypass' }), false);
  const slash = item('CommandLine|contains|windash', "' /c '");
  assert.equal(slash.matches({ CommandLine: 'cmd -c dir' }), true, 'a slash in the rule matches a dash in the event');
  const several = item('CommandLine|endswith|windash', "'-a -b'");
  assert.equal(several.matches({ CommandLine: 'x /a \u2014b' }), true, 'every dash independently (all permutations)');
  const cased = item('CommandLine|contains|windash|cased', "' -Enc '");
  assert.equal(cased.matches({ CommandLine: 'x /Enc y' }), true);
  assert.equal(cased.matches({ CommandLine: 'x /enc y' }), false);
});

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const b64wide = (s: string): string => Buffer.from(s, 'utf16le').toString('base64');

test('base64 matches the base64 of the value', () => {
  const r = item('CommandLine|base64|contains', "'http://'");
  assert.equal(r.matches({ CommandLine: `x ${b64('http://')} y` }), true);
  assert.equal(r.matches({ CommandLine: 'http://' }), false);
  assert.equal(item('CommandLine|base64', "'abc'").matches({ CommandLine: 'YWJj' }), true);
});

test('base64offset: the value is found at each of the three offsets in a base64 string', () => {
  const r = item('CommandLine|base64offset|contains', "'Invoke-Mimikatz'");
  for (const prefix of ['', 'a', 'ab', 'abc', 'abcd', 'abcde']) {
    for (const suffix of ['', 'x', 'xy', 'xyz']) {
      assert.equal(r.matches({ CommandLine: `powershell -enc ${b64(`${prefix}Invoke-Mimikatz${suffix}`)}` }), true, `prefix ${prefix.length}, suffix ${suffix.length}`);
    }
  }
  assert.equal(r.matches({ CommandLine: `powershell -enc ${b64('Invoke-Something')}` }), false);
  assert.equal(r.matches({ CommandLine: 'Invoke-Mimikatz' }), false);
});

test('wide + base64offset: UTF-16LE text base64-encoded, as in powershell -EncodedCommand', () => {
  const r = item('CommandLine|wide|base64offset|contains', "'IEX (New-Object'");
  for (const prefix of ['', '$', '$x', '$x=']) {
    assert.equal(r.matches({ CommandLine: `powershell -e ${b64wide(`${prefix}IEX (New-Object Net.WebClient)`)}` }), true, `prefix ${prefix.length}`);
  }
  assert.equal(r.matches({ CommandLine: `powershell -e ${b64('IEX (New-Object Net.WebClient)')}` }), false, 'UTF-8 base64 is not UTF-16 base64');
  const viaSigmaValue = item('CommandLine|utf16le|base64offset|contains', "'IEX (New-Object'");
  assert.equal(viaSigmaValue.matches({ CommandLine: b64wide('xIEX (New-Object') }), true, 'utf16le is wide');
});

test('windash before an encoding expands its permutations before encoding', () => {
  const r = item('CommandLine|windash|base64offset|contains', "' -nop '");
  assert.equal(r.matches({ CommandLine: b64('powershell /nop -w hidden') }), true);
  assert.equal(r.matches({ CommandLine: b64('powershell \u2013nop -w hidden') }), true);
  assert.equal(r.matches({ CommandLine: b64('powershell +nop -w hidden') }), false);
});

test('utf16le, utf16be and utf16 without base64 match the encoded bytes as characters', () => {
  assert.equal(item('Data|utf16le|contains', "'ab'").matches({ Data: 'xa\0b\0y' }), true);
  assert.equal(item('Data|utf16be|contains', "'ab'").matches({ Data: 'x\0a\0by' }), true);
  assert.equal(item('Data|utf16|startswith', "'ab'").matches({ Data: '\xff\xfea\0b\0rest' }), true);
  assert.equal(item('Data|utf16le|contains', "'ab'").matches({ Data: 'ab' }), false);
});

test('re: unanchored, case-sensitive unless i, with m and s and leading (?i)', () => {
  const r = item('CommandLine|re', "'ipconfig\\s+/all'");
  assert.equal(r.matches({ CommandLine: 'cmd /c ipconfig   /all' }), true);
  assert.equal(r.matches({ CommandLine: 'cmd /c IPCONFIG /all' }), false, 're is case-sensitive by default');
  assert.equal(item('CommandLine|re|i', "'ipconfig\\s+/all'").matches({ CommandLine: 'IPCONFIG /ALL' }), true);
  assert.equal(item('CommandLine|re', "'(?i)ipconfig\\s+/all'").matches({ CommandLine: 'IPCONFIG /ALL' }), true);
  assert.equal(item('F|re', "'^b'").matches({ F: 'a\nb' }), false);
  assert.equal(item('F|re|m', "'^b'").matches({ F: 'a\nb' }), true);
  assert.equal(item('F|re', "'a.b'").matches({ F: 'a\nb' }), false);
  assert.equal(item('F|re|s', "'a.b'").matches({ F: 'a\nb' }), true);
  assert.equal(item('F|re', "['^x', 'y$']").matches({ F: 'ay' }), true, 'a list of regexes is OR');
  assert.equal(item('F|re', "'(?P<w>ab)(?P=w)'").matches({ F: 'xabab' }), true, 'Python/PCRE named groups');
});

test('re constructs JavaScript would read differently are refused, not approximated', () => {
  for (const [re, why] of [['abc\\Z', /\\Z/], ['a(?i)b', /\(\?i\)b/], ['a++', /possessive/], ['(?>ab)', /\(\?>ab/], ['(?x)a b', /flag 'x'/]] as const) {
    const p = problem(`    selection:\n        F|re: '${re}'\n    condition: selection`);
    assert.equal(p.code, 'unsupported', re);
    assert.match(p.reason, why);
    assert.equal(p.key, 'detection.selection.F|re');
  }
  assert.equal(problem(`    selection:\n        F|i: 'x'\n    condition: selection`).code, 'invalid', 'i without re');
  assert.equal(problem(`    selection:\n        F|re: '(unclosed'\n    condition: selection`).code, 'unsupported');
});

test('cidr: IPv4 and IPv6 networks, lists OR', () => {
  const v4 = item('DestinationIp|cidr', "'10.0.0.0/8'");
  assert.equal(v4.matches({ DestinationIp: '10.200.3.4' }), true);
  assert.equal(v4.matches({ DestinationIp: '11.0.0.1' }), false);
  assert.equal(v4.matches({ DestinationIp: '::ffff:10.1.1.1' }), true, 'IPv4-mapped IPv6');
  assert.equal(v4.matches({ DestinationIp: 'not an ip' }), false);
  assert.equal(v4.matches({ DestinationIp: '2001:db8::1' }), false);
  const v6 = item('DestinationIp|cidr', "['fe80::/10', '2001:db8::/32']");
  assert.equal(v6.matches({ DestinationIp: 'FE80::1' }), true);
  assert.equal(v6.matches({ DestinationIp: '2001:db8:ffff::1' }), true);
  assert.equal(v6.matches({ DestinationIp: '2001:db9::1' }), false);
  assert.equal(v6.matches({ DestinationIp: '10.0.0.1' }), false);
  assert.equal(item('DestinationIp|cidr', "'192.168.1.77/24'").matches({ DestinationIp: '192.168.1.3' }), true, 'host bits are masked');
  assert.equal(item('DestinationIp|cidr', "'10.0.0.0/32'").matches({ DestinationIp: '10.0.0.0' }), true);
  assert.equal(problem(`    selection:\n        DestinationIp|cidr: '10.0.0.0/33'\n    condition: selection`).code, 'invalid');
});

test('exists: true needs the field present (even empty), false needs it absent', () => {
  const yes = item('CommandLine|exists', 'true');
  assert.equal(yes.matches({ CommandLine: '' }), true);
  assert.equal(yes.matches({ CommandLine: null }), true, 'presence, not value');
  assert.equal(yes.matches({}), false);
  const no = item('CommandLine|exists', 'false');
  assert.equal(no.matches({}), true);
  assert.equal(no.matches({ CommandLine: 'x' }), false);
  assert.equal(problem(`    selection:\n        F|exists: 'yes'\n    condition: selection`).code, 'invalid');
});

test('fieldref compares two fields of the event (case-insensitively unless cased)', () => {
  const r = item('Image|fieldref', 'ParentImage');
  assert.equal(r.matches({ Image: 'C:\\a.exe', ParentImage: 'c:\\A.EXE' }), true);
  assert.equal(r.matches({ Image: 'C:\\a.exe', ParentImage: 'C:\\b.exe' }), false);
  assert.equal(r.matches({ Image: 'C:\\a.exe' }), false, 'a missing field never equals');
  assert.equal(item('Image|fieldref|cased', 'ParentImage').matches({ Image: 'C:\\a.exe', ParentImage: 'c:\\A.EXE' }), false);
  assert.equal(item('CommandLine|fieldref|contains', 'Image').matches({ CommandLine: '"C:\\a.exe" -x', Image: 'c:\\a.exe' }), true);
  assert.equal(item('User|fieldref|neq', 'ParentUser').matches({ User: 'a', ParentUser: 'b' }), true);
  assert.equal(item('User|fieldref|neq', 'ParentUser').matches({ User: 'a', ParentUser: 'A' }), false);
});

test('gt, gte, lt, lte compare numbers (decimal or 0x-hex event values)', () => {
  assert.equal(item('TerminalSessionId|gt', '1').matches({ TerminalSessionId: 2 }), true);
  assert.equal(item('TerminalSessionId|gt', '1').matches({ TerminalSessionId: '1' }), false);
  assert.equal(item('TerminalSessionId|gte', '1').matches({ TerminalSessionId: '1' }), true);
  assert.equal(item('TerminalSessionId|lt', '1').matches({ TerminalSessionId: '0' }), true);
  assert.equal(item('TerminalSessionId|lte', '1').matches({ TerminalSessionId: '2' }), false);
  assert.equal(item('LogonId|gt', '0x3e7').matches({ LogonId: '0x3e8' }), true, 'hex in rule and event');
  assert.equal(item('LogonId|gt', '100').matches({ LogonId: 'abc' }), false, 'a non-number never compares');
  assert.equal(item('LogonId|gt', '100').matches({ LogonId: '' }), false, 'empty is not zero');
  assert.equal(item('LogonId|gt', '100').matches({}), false);
  assert.equal(problem(`    selection:\n        F|gt: 'many'\n    condition: selection`).code, 'invalid');
});

test('neq: present and different from every listed value', () => {
  const r = item('IntegrityLevel|neq', "['High', 'System']");
  assert.equal(r.matches({ IntegrityLevel: 'Medium' }), true);
  assert.equal(r.matches({ IntegrityLevel: 'HIGH' }), false);
  assert.equal(r.matches({}), false);
});

test('unknown and unsupported modifiers are reported with their key, never half-evaluated', () => {
  const unknown = problem(`    selection:\n        Image|endswith: 'x'\n        CommandLine|contans: 'y'\n    condition: selection`);
  assert.equal(unknown.code, 'unknown-modifier');
  assert.equal(unknown.key, 'detection.selection.CommandLine|contans');
  assert.match(unknown.reason, /contans/);
  assert.equal(unknown.line, 9);
  assert.equal(unknown.id, '00000000-0000-4000-8000-000000000001');
  const expand = problem(`    selection:\n        User|expand: '%Admins%'\n    condition: selection`);
  assert.equal(expand.code, 'unsupported');
  assert.match(expand.reason, /expand/);
  const unusedBad = problem(`    selection:\n        Image: 'x'\n    other:\n        Image|hour: 3\n    condition: selection`);
  assert.equal(unusedBad.code, 'unsupported', 'a bad selection fails the rule even when the condition does not use it');
  assert.equal(unusedBad.key, 'detection.other.Image|hour');
});

test('modifier combinations that make no sense are invalid', () => {
  for (const [key, value] of [
    ['F|contains|startswith', "'x'"],
    ['F|contains|base64', "'x'"],
    ['F|base64offset', "'a'"],
    ['F|cidr|contains', "'10.0.0.0/8'"],
    ['F|exists|contains', 'true'],
    ['F|contains|contains', "'x'"],
    ['F|contains', 'null'],
    ['F|contains', '{a: 1}'],
    ['F', '[]'],
    ["'|exists'", 'true'],
    ['F|wide|utf16be', "'x'"],
  ] as const) {
    const p = problem(`    selection:\n        ${key}: ${value}\n    condition: selection`);
    assert.equal(p.code, 'invalid', `${key}: ${value} → ${p.reason}`);
    assert.equal(p.key, `detection.selection.${key.replaceAll("'", '')}`);
  }
});
