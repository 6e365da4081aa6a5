// Scenario validation: whatever the document holds, the answer is a Scenario
// or a ScenarioError listing problems with their paths — nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../src/rtl/random.js';
import { ScenarioError, validateScenario } from '../src/scenario/load.js';

function randomValue(random: Random, depth: number): unknown {
  const kind = random.below(depth > 3 ? 6 : 9);
  const keys = ['path', 'process', 'as', 'steps', 'createProcess', 'mapImage', 'expect', 'viewSize', 'drivers', 'count', 'module', 'x'];
  switch (kind) {
    case 0: return null;
    case 1: return random.below(2) === 0;
    case 2: return random.below(1000) - 500;
    case 3: return ['C:\\Windows\\System32\\cmd.exe', '', 'sysmon', 'np', '0xC0000135', 'STATUS_SUCCESS'][random.below(6)];
    case 4: return 1.5;
    case 5: return undefined;
    case 6:
    case 7: {
      const object: Record<string, unknown> = {};
      for (let i = random.below(4); i > 0; i--) object[keys[random.below(keys.length)]!] = randomValue(random, depth + 1);
      return object;
    }
    default:
      return Array.from({ length: random.below(4) }, () => randomValue(random, depth + 1));
  }
}

test('2,000 random documents: a Scenario or a ScenarioError with located problems, never another exception', () => {
  const random = new Random(7);
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < 2000; i++) {
    const document = random.below(3) === 0 ? randomValue(random, 0) : { steps: randomValue(random, 1), ...(random.below(2) ? { drivers: randomValue(random, 1) } : {}) };
    try {
      validateScenario(document, 'random.yaml');
      valid++;
    } catch (error) {
      assert.ok(error instanceof ScenarioError, `not a ScenarioError: ${String(error)}`);
      assert.ok(error.problems.length > 0);
      for (const problem of error.problems) assert.match(problem, /^[^:]+: /, problem);
      invalid++;
    }
  }
  assert.ok(invalid > 1000);
  assert.ok(valid > 0, 'some random documents are valid scenarios');
});

test('a valid document comes back with typed steps', () => {
  const scenario = validateScenario(
    { build: 9600, drivers: ['sysmon', { module: './x.ts' }], steps: [{ createProcess: { path: 'C:\\x.exe', as: 'x' } }, { expect: { process: 'x', count: 3 } }] },
    'ok.yaml',
  );
  assert.equal(scenario.build, 9600);
  assert.deepEqual(scenario.steps.map((s) => s.kind), ['createProcess', 'expect']);
});
