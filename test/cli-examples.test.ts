// The runnable examples of docs/scenarios.md, and the published JSON Schema.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchema } from '../src/scenario/json-schema.js';
import { cli, scratch } from './helpers/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const examples = join(root, 'docs', 'examples');

const run = (file: string) => cli('run', file);

test('every docs/examples scenario runs with exit 0 and has expectations', async () => {
  const files = readdirSync(examples).filter((f) => /\.(ya?ml|json)$/.test(f));
  assert.ok(files.length >= 6, `examples: ${files.join(', ')}`);
  for (const name of files) {
    const text = readFileSync(join(examples, name), 'utf8');
    assert.match(text, /\bexpect"?:/, `${name} asserts something`);
    const { code, stderr } = await run(join(examples, name));
    assert.equal(code, 0, `${name}: ${stderr}`);
  }
});

test('every step in docs/scenarios.md\'s step table is used by some example', () => {
  const doc = readFileSync(join(root, 'docs', 'scenarios.md'), 'utf8');
  const table = doc.slice(doc.indexOf('## Steps'), doc.indexOf('## Expectations'));
  const steps = [...table.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]!);
  assert.deepEqual(steps.sort(), ['createProcess', 'expect', 'loadDriver', 'loadLibrary', 'mapImage', 'resume', 'terminate', 'unloadDriver', 'unmapImage', 'writeFile']);
  const all = readdirSync(examples).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => readFileSync(join(examples, f), 'utf8')).join('\n');
  for (const step of steps) assert.match(all, new RegExp(`(- |")${step}"?:`), `${step} has an example`);
});

test('the published JSON Schema is current (npm run schema regenerates it)', () => {
  assert.equal(readFileSync(join(root, 'docs', 'scenario.schema.json'), 'utf8'), scenarioJsonSchema());
});

test('README.md: its outputs are real, its driver and scenarios run', async (t) => {
  const section = readFileSync(join(root, 'README.md'), 'utf8');
  const fenced = [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)];
  const blocks = (lang: string) => fenced.filter((m) => m[1] === lang).map((m) => m[2]!);
  const [demoExcerpt, driverOutput] = blocks('');
  // Every line of the abridged demo appears in the real output, in order.
  const demo = (await cli('demo')).stdout.split('\n');
  let at = 0;
  for (const line of demoExcerpt!.trimEnd().split('\n')) {
    if (line.trim() === '…') continue;
    const found = demo.indexOf(line, at);
    assert.ok(found >= at, `demo line not found in order: ${line}`);
    at = found + 1;
  }
  const dir = scratch(t, 'psnotify-readme-');
  // The second ts block is the driver for `psnotify run` (the first is the in-program example).
  writeFileSync(join(dir, 'my-driver.ts'), blocks('ts')[1]!);
  const [scenario, overview] = blocks('yaml');
  writeFileSync(join(dir, 'my-driver.yaml'), scenario!);
  writeFileSync(join(dir, 'overview.yaml'), overview!);
  const mine = await cli('run', join(dir, 'my-driver.yaml'));
  assert.equal(mine.code, 0, mine.stderr);
  assert.equal(mine.stdout.trimEnd(), driverOutput!.trimEnd());
  const second = await cli('run', join(dir, 'overview.yaml'));
  assert.equal(second.code, 0, second.stderr);
});
