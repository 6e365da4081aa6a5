// The pages and traces the command line writes (--html, --trace), opened in
// headless Chromium: the demo, and a scenario with a Sigma match and a bug
// check. Every process, notification, routine call, match and bug check is
// in the page as the contract says (API.md "Command line"); the trace has the
// same counts and every event the fields its phase needs.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { validateTrace, type TraceFile } from '../src/report/index.js';
import { assertClean, CHROMIUM, NO_CHROMIUM, openFile } from './helpers/browser.js';
import { cli, scratch } from './helpers/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = join(root, 'test-artifacts');
const rule = join(root, '..', 'shared', 'data', 'sigma', 'rules', 'windows', 'image_load', 'image_load_side_load_from_non_system_location.yml');

let browser: Browser | undefined;
before(async () => {
  if (CHROMIUM !== undefined) browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  mkdirSync(artifacts, { recursive: true });
});
after(async () => {
  await browser?.close();
});

interface Json {
  seq: number;
  processId?: number;
  routines?: unknown[];
  rule?: { id: string };
}

/** Runs `argv` with --json (for the counts) and with --html/--trace; returns the files and the JSON lines. */
async function generate(t: { after(fn: () => void): void }, argv: string[], expectCode: number) {
  const dir = scratch(t, 'psnotify-pages-');
  const html = join(dir, 'page.html');
  const trace = join(dir, 'trace.json');
  const json = await cli(...argv, '--json');
  assert.equal(json.code, expectCode, json.stderr);
  const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Json);
  const made = await cli(...argv, '--html', html, '--trace', trace);
  assert.equal(made.code, expectCode, made.stderr);
  return { html, trace, notifications: lines.filter((l) => l.rule === undefined), matches: lines.filter((l) => l.rule !== undefined) };
}

function checkTrace(file: string, notifications: Json[]): void {
  const trace = JSON.parse(readFileSync(file, 'utf8')) as TraceFile;
  assert.deepEqual(validateTrace(trace), []);
  const routines = trace.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'routine');
  assert.equal(routines.length, notifications.reduce((sum, n) => sum + (n.routines?.length ?? 0), 0));
  const seqs = new Set(trace.traceEvents.filter((e) => (e.args as { seq?: number } | undefined)?.seq !== undefined && e.cat !== 'routine').map((e) => (e.args as { seq: number }).seq));
  assert.equal(seqs.size, notifications.length);
}

test('demo --html/--trace: every notification, routine call and process; hover shows details; no request, no error', async (t) => {
  const { html, trace, notifications } = await generate(t, ['demo'], 0);
  checkTrace(trace, notifications);
  if (browser === undefined) return t.skip(NO_CHROMIUM);
  const opened = await openFile(browser, t, html, { width: 1400, height: 820 });
  const { page } = opened;
  const seqs = await page.$$eval('[data-seq]', (els) => els.map((e) => Number(e.getAttribute('data-seq'))));
  assert.deepEqual(seqs.sort((a, b) => a - b), notifications.map((n) => n.seq));
  assert.equal(await page.locator('[data-routine]').count(), notifications.reduce((sum, n) => sum + n.routines!.length, 0));
  const pids = new Set(notifications.map((n) => n.processId));
  assert.equal(await page.locator('[data-pid]').count(), pids.size);
  const inject = notifications.find((n) => JSON.stringify(n).includes('inject64.dll'))!;
  // Marks at 0.25 ms spacing overlap at the first view: open this one's details by a click on it.
  await page.locator(`[data-seq="${inject.seq}"]`).dispatchEvent('click');
  assert.match(await page.locator('body').innerText(), /ProgramData\\Injector\\inject64\.dll/);
  await page.screenshot({ path: join(artifacts, 'cli-demo.png') });
  assertClean(opened);
});

test('a bug check and a Sigma match: the page marks both, the trace has the bug check', async (t) => {
  if (!existsSync(rule)) return t.skip('shared Sigma rules not found');
  const dir = scratch(t);
  writeFileSync(join(dir, 'stop.yaml'), [
    'drivers: [sysmon, leaky]',
    `rules: [${JSON.stringify(rule)}]`,
    'steps:',
    "  - writeFile: { path: 'C:\\Users\\Public\\App\\updater.exe', pe: { machine: amd64, imports: { version.dll: [GetFileVersionInfoW] } } }",
    "  - writeFile: { path: 'C:\\Users\\Public\\App\\version.dll', pe: { machine: amd64, dll: true, exports: [GetFileVersionInfoW] } }",
    "  - createProcess: { path: 'C:\\Users\\Public\\App\\updater.exe' }",
    '  - unloadDriver: { driver: leaky }',
    "  - createProcess: { path: 'C:\\Windows\\System32\\cmd.exe' }",
  ].join('\n'));
  const { html, trace, notifications, matches } = await generate(t, ['run', join(dir, 'stop.yaml')], 3);
  assert.equal(matches.length, 1);
  checkTrace(trace, notifications);
  const events = (JSON.parse(readFileSync(trace, 'utf8')) as TraceFile).traceEvents;
  assert.ok(events.some((e) => e.ph === 'i' && JSON.stringify(e).toLowerCase().includes('0xce')), 'the bug check is an instant event');
  if (browser === undefined) return t.skip(NO_CHROMIUM);
  const opened = await openFile(browser, t, html);
  const { page } = opened;
  assert.deepEqual(await page.$$eval('[data-bugcheck]', (els) => els.map((e) => e.getAttribute('data-bugcheck'))), ['0xce']);
  assert.deepEqual(await page.$$eval('[data-rule]', (els) => els.map((e) => e.getAttribute('data-rule'))), ['4fc0deee-0057-4998-ab31-d24e46e0aba4']);
  assert.equal(await page.locator('[data-seq]').count(), notifications.length);
  await page.screenshot({ path: join(artifacts, 'cli-bugcheck-sigma.png') });
  assertClean(opened);
});

test('replay --html/--trace of a real recording: every host lane, notification and routine call', async (t) => {
  const recording = join(root, '..', 'shared', 'data', 'sysmon', 'otrf', 'psh_mavinject_dll_notepad.zip');
  if (!existsSync(recording)) return t.skip('shared recordings not found');
  const { html, trace, notifications } = await generate(t, ['replay', recording], 0);
  assert.equal(notifications.length, 100, "one per recorded event 7");
  checkTrace(trace, notifications);
  if (browser === undefined) return t.skip(NO_CHROMIUM);
  const opened = await openFile(browser, t, html);
  const { page } = opened;
  assert.equal(await page.locator('[data-seq]').count(), notifications.length);
  assert.equal(await page.locator('[data-routine]').count(), notifications.reduce((sum, n) => sum + n.routines!.length, 0));
  assert.ok((await page.locator('[data-pid]').count()) >= 3, 'System and the recorded processes');
  await page.screenshot({ path: join(artifacts, 'cli-replay.png') });
  assertClean(opened);
});
