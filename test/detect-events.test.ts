// Events on their way to the rules: flattenEvent's record shapes (evtx JSON
// with #attributes/#text, EventData as a Data list, Winlogbeat, flat),
// parseJsonEvents on concatenated objects, and log-source routing — Sysmon
// 1/6/7 by channel or, without one, by event id; Security 4688 seen through
// the Sysmon field names; product and category checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRule, flattenEvent, parseJsonEvents, routeOf, routesFor, RuleSet, toSysmonFields, type CompiledRule } from '../src/detect/index.js';

function rule(category: string, detection: string, extra = ''): CompiledRule {
  const r = compileRule(`title: ${category} test\nid: 00000000-0000-4000-8000-00000000000${category.length % 10}\nlogsource:\n    category: ${category}\n    product: windows\n${extra}detection:\n${detection}\n`);
  if (r.kind === 'problem') assert.fail(r.reason);
  return r;
}

test('flattenEvent: evtx JSON (Event.System + Event.EventData) becomes Sysmon fields', () => {
  const flat = flattenEvent({
    Event: {
      '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9' } },
        EventID: 7,
        Execution: { '#attributes': { ProcessID: 3544, ThreadID: 4272 } },
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        Computer: 'host',
        Correlation: null,
      },
      EventData: { Image: 'C:\\a.exe', ImageLoaded: 'C:\\b.dll', Signed: 'true', ProcessId: 4460 },
    },
  });
  assert.equal(flat['EventID'], 7);
  assert.equal(flat['Channel'], 'Microsoft-Windows-Sysmon/Operational');
  assert.equal(flat['Provider_Name'], 'Microsoft-Windows-Sysmon');
  assert.equal(flat['Execution_ProcessID'], 3544);
  assert.equal(flat['ImageLoaded'], 'C:\\b.dll');
  assert.equal(flat['ProcessId'], 4460);
  assert.equal(flat['Computer'], 'host');
  assert.equal(routeOf(flat), 'sysmon:7');
});

test('flattenEvent: EventID with #text, EventData as a Data list, UserData, Winlogbeat, flat', () => {
  const list = flattenEvent({
    System: { EventID: { '#text': 4688, '#attributes': { Qualifiers: '' } }, Channel: 'Security' },
    EventData: { Data: [{ '#attributes': { Name: 'NewProcessName' }, '#text': 'C:\\x.exe' }, { '@Name': 'CommandLine', '#text': 'x -y' }, { '#attributes': { Name: 'Empty' } }] },
  });
  assert.deepEqual(list, { EventID: 4688, EventID_Qualifiers: '', Channel: 'Security', NewProcessName: 'C:\\x.exe', CommandLine: 'x -y', Empty: '' });
  const user = flattenEvent({ Event: { System: { EventID: 1 }, UserData: { RuleAndFileData: { RuleName: 'r', FilePath: 'p' } } } });
  assert.equal(user['FilePath'], 'p');
  const beat = flattenEvent({ winlog: { event_id: '1', channel: 'Microsoft-Windows-Sysmon/Operational', provider_name: 'Microsoft-Windows-Sysmon', computer_name: 'h', event_data: { Image: 'C:\\a.exe' } } });
  assert.deepEqual(beat, { EventID: '1', Channel: 'Microsoft-Windows-Sysmon/Operational', Provider_Name: 'Microsoft-Windows-Sysmon', Computer: 'h', Image: 'C:\\a.exe' });
  assert.equal(routeOf(beat), 'sysmon:1');
  const flat = { EventID: 1, Image: 'C:\\a.exe' };
  assert.deepEqual(flattenEvent(flat), flat);
  assert.notEqual(flattenEvent(flat), flat, 'a copy');
  assert.throws(() => flattenEvent('x'), TypeError);
});

test('parseJsonEvents reads concatenated objects, JSON Lines and arrays', () => {
  assert.deepEqual(parseJsonEvents('{"a":1}\n{"b":"}{"}  {"c":[1,{"d":2}]}'), [{ a: 1 }, { b: '}{' }, { c: [1, { d: 2 }] }]);
  assert.deepEqual(parseJsonEvents('[{"a":1},{"a":2}]'), [{ a: 1 }, { a: 2 }]);
  assert.deepEqual(parseJsonEvents('{"s":"a\\"}b"}'), [{ s: 'a"}b' }]);
  assert.deepEqual(parseJsonEvents('  '), []);
  assert.throws(() => parseJsonEvents('{"a":1'), SyntaxError);
  assert.throws(() => parseJsonEvents('{"a":1} x'), SyntaxError);
});

test('routing: Sysmon by channel, provider or (without either) event id; others go nowhere', () => {
  assert.equal(routeOf({ EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational' }), 'sysmon:1');
  assert.equal(routeOf({ EventID: '6', Channel: 'microsoft-windows-sysmon/operational' }), 'sysmon:6');
  assert.equal(routeOf({ EventID: 7 }), 'sysmon:7', 'no channel: decided by the event id');
  assert.equal(routeOf({ EventID: 4688 }), 'security:4688');
  assert.equal(routeOf({ EventID: 4688, Channel: 'Security' }), 'security:4688');
  assert.equal(routeOf({ EventID: 1, Provider_Name: 'Microsoft-Windows-Sysmon' }), 'sysmon:1');
  assert.equal(routeOf({ EventID: 1, Channel: 'Security' }), null, 'event 1 of another log');
  assert.equal(routeOf({ EventID: 4688, Channel: 'Microsoft-Windows-Sysmon/Operational' }), null);
  assert.equal(routeOf({ EventID: 1, Channel: 'Application' }), null);
  assert.equal(routeOf({ EventID: 5, Channel: 'Microsoft-Windows-Sysmon/Operational' }), null, 'process terminated: no supported category');
  assert.equal(routeOf({ Image: 'x' }), null);
});

test('a rule set runs a rule only on its own log source', () => {
  const img = rule('image_load', "    selection:\n        ImageLoaded|endswith: '\\evil.dll'\n    condition: selection");
  const drv = rule('driver_load', "    selection:\n        ImageLoaded|endswith: '\\evil.dll'\n    condition: selection");
  const proc = rule('process_creation', "    selection:\n        Image|endswith: '\\evil.exe'\n    condition: selection");
  const set = new RuleSet([img, drv, proc]);
  assert.deepEqual(set.match({ EventID: 7, ImageLoaded: 'C:\\evil.dll' }), [img]);
  assert.deepEqual(set.match({ EventID: 6, ImageLoaded: 'C:\\evil.dll' }), [drv]);
  assert.deepEqual(set.match({ EventID: 1, ImageLoaded: 'C:\\evil.dll', Image: 'C:\\evil.exe' }), [proc]);
  assert.deepEqual(set.match({ EventID: 5, Image: 'C:\\evil.exe' }), []);
  assert.deepEqual(set.rulesFor('sysmon:6'), [drv]);
  assert.equal(img.matches({ ImageLoaded: 'C:\\evil.dll' }), true, 'matches() evaluates the detection only');
});

test('Security 4688 is matched through the Sysmon field names', () => {
  const proc = rule('process_creation', `    selection:
        Image|endswith: '\\whoami.exe'
        ParentImage|endswith: '\\cmd.exe'
        CommandLine|contains: '/all'
        IntegrityLevel:
            - 'High'
            - 'S-1-16-12288'
    condition: selection`);
  const sec = {
    EventID: 4688,
    Channel: 'Security',
    SubjectUserName: 'bob',
    SubjectDomainName: 'CORP',
    SubjectLogonId: '0x3e7',
    NewProcessId: '0x1a2c',
    NewProcessName: 'C:\\Windows\\System32\\whoami.exe',
    ProcessId: '0x10',
    CommandLine: 'whoami /all',
    TargetUserName: '-',
    ParentProcessName: 'C:\\Windows\\System32\\cmd.exe',
    MandatoryLabel: 'S-1-16-12288',
  };
  const set = new RuleSet([proc]);
  assert.deepEqual(set.match(sec), [proc]);
  assert.deepEqual(set.match({ ...sec, MandatoryLabel: 'S-1-16-8192' }), []);
  const view = toSysmonFields(sec);
  assert.equal(view['Image'], 'C:\\Windows\\System32\\whoami.exe');
  assert.equal(view['ParentImage'], 'C:\\Windows\\System32\\cmd.exe');
  assert.equal(view['ProcessId'], '6700', 'hex NewProcessId as Sysmon decimal');
  assert.equal(view['ParentProcessId'], '16', "4688's ProcessId is the creator");
  assert.equal(view['LogonId'], '0x3e7');
  assert.equal(view['User'], 'CORP\\bob', 'no target account: the subject');
  assert.equal(view['ParentUser'], 'CORP\\bob');
  assert.equal(view['NewProcessName'], sec.NewProcessName, 'original fields stay');
  assert.equal(toSysmonFields({ EventID: 4688, ProcessCommandLine: 'a b' })['CommandLine'], 'a b');
  assert.equal(toSysmonFields({ EventID: 4688, TargetUserName: 'alice', TargetDomainName: 'D', SubjectUserName: 'SYSTEM$' })['User'], 'D\\alice');
  assert.equal(Object.hasOwn(toSysmonFields({ EventID: 4688, ProcessId: '0x10' }), 'ProcessId'), false, 'no NewProcessId: no ProcessId');
  assert.equal(proc.matches(sec), false, 'matches() does not map fields: the rule sees NewProcessName, not Image');
});

test('log sources: product must be windows; service narrows; other categories are refused', () => {
  assert.deepEqual(routesFor({ category: 'process_creation', product: 'windows' }), ['sysmon:1', 'security:4688']);
  assert.deepEqual(routesFor({ category: 'process_creation' }), ['sysmon:1', 'security:4688'], 'no product: allowed');
  assert.deepEqual(routesFor({ category: 'process_creation', product: 'windows', service: 'sysmon' }), ['sysmon:1']);
  assert.deepEqual(routesFor({ category: 'process_creation', product: 'windows', service: 'security' }), ['security:4688']);
  assert.deepEqual(routesFor({ category: 'Image_Load', product: 'Windows' }), ['sysmon:7']);
  assert.match(String(routesFor({ category: 'process_creation', product: 'linux' })), /linux/);
  assert.match(String(routesFor({ category: 'network_connection', product: 'windows' })), /network_connection/);
  assert.match(String(routesFor({ product: 'windows', service: 'sysmon' })), /without a category/);
  assert.match(String(routesFor({ category: 'driver_load', service: 'security' })), /security/);
  const r = compileRule("title: t\nlogsource:\n    category: dns_query\n    product: windows\ndetection:\n    s:\n        QueryName: x\n    condition: s\n");
  assert.equal(r.kind === 'problem' && r.code, 'unsupported');
  assert.equal(r.kind === 'problem' && r.key, 'logsource');
});
