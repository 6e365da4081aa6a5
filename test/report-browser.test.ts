// The page in a real browser (headless Chromium through playwright-core): the
// data-attribute contract in the DOM after the page's script ran, hover and
// click, the filter, zoom, hostile strings, and no console error and no request
// other than the page's own file. Screenshots are kept in test-artifacts/.
//
// These tests need a Chromium: /usr/bin/chromium (Debian's package) or the
// executable named by PSNOTIFY_CHROMIUM. Without one they skip, and say so.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderHtml } from '../src/report/html.js';
import { routineCallCount, type RunTimeline } from '../src/report/timeline.js';
import { assertClean, CHROMIUM, NO_CHROMIUM, openFile, type Opened } from './helpers/browser.js';
import { EVIL, bugCheckTimeline, demoTimeline, evilTimeline, largeTimeline, replayTimeline } from './helpers/timelines.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = join(root, 'test-artifacts');
const executable = CHROMIUM;

let browser: Browser | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'psnotify-report-'));

before(async () => {
  if (executable !== undefined) browser = await chromium.launch({ executablePath: executable, args: ['--no-sandbox'] });
  mkdirSync(artifacts, { recursive: true });
});
after(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function open(t: TestContext, timeline: RunTimeline, name: string): Promise<Opened | undefined> {
  if (browser === undefined) {
    t.skip(NO_CHROMIUM);
    return undefined;
  }
  const file = join(scratch, `${name}.html`);
  writeFileSync(file, renderHtml(timeline));
  return openFile(browser, t, file);
}

const attrs = (page: Page, selector: string, name: string) =>
  page.$$eval(selector, (els, n) => els.map((e) => e.getAttribute(n)!), name);
const viewRange = async (page: Page) => {
  const start = Number(await page.getAttribute('#tl', 'data-view-start'));
  const end = Number(await page.getAttribute('#tl', 'data-view-end'));
  return { start, end, width: end - start };
};
/** Waits until the filter (debounced) has been applied: data-shown equals `count`. */
const filterTo = async (page: Page, text: string) => {
  await page.fill('#filter', text);
  await page.press('#filter', 'Enter');
};

test('browser (demo): one element per process, notification and routine call', async (t) => {
  const timeline = demoTimeline();
  const o = await open(t, timeline, 'demo');
  if (!o) return;
  const { page } = o;
  assert.deepEqual((await attrs(page, '[data-seq]', 'data-seq')).map(Number).sort((a, b) => a - b), timeline.notifications.map((n) => n.seq));
  const routines = await attrs(page, '[data-routine]', 'data-routine');
  assert.equal(routines.length, routineCallCount(timeline));
  for (const driver of ['sysmon.sys', 'inventory.sys', 'injector.sys']) {
    assert.equal(routines.filter((r) => r === driver).length, timeline.notifications.filter((n) => n.routines.some((r) => r.driver === driver)).length, driver);
  }
  // Each routine call sits in its notification's mark, in slot order.
  assert.deepEqual(await attrs(page, '[data-seq="5"] [data-routine]', 'data-routine'), ['sysmon.sys', 'inventory.sys', 'injector.sys']);
  assert.deepEqual(await attrs(page, '[data-seq="19"] [data-routine]', 'data-routine'), ['sysmon.sys']);
  assert.deepEqual((await attrs(page, '[data-pid]', 'data-pid')).map(Number).sort((a, b) => a - b), [0, 360, 460, 532]);
  assert.equal(await page.locator('[data-bugcheck]').count(), 0);
  assert.equal(await page.locator('[data-rule]').count(), 0);
  // The header counts.
  assert.equal(await page.textContent('[data-count="notifications"]'), '19');
  assert.equal(await page.textContent('[data-count="routine-calls"]'), String(routineCallCount(timeline)));
  assert.equal(await page.textContent('[data-count="processes"]'), '4');
  // The WoW64 process is labelled so; the kernel lane holds the driver loads.
  assert.match((await page.textContent('[data-lane-label]:has-text("notepad.exe")'))!, /WoW64/);
  assert.equal(await page.locator('[data-pid="0"] [data-driver-event]').count(), 4);
  assertClean(o);
});

test('browser (demo): a nested dispatch is drawn one row down, joined to the routine that raised it', async (t) => {
  const o = await open(t, demoTimeline(), 'demo-nested');
  if (!o) return;
  const { page } = o;
  for (let k = 0; k < 5; k++) await page.click('#zin');
  const parent = (await page.locator('[data-seq="5"]').boundingBox())!;
  const child = (await page.locator('[data-seq="6"]').boundingBox())!;
  assert.ok(child.y >= parent.y + parent.height, 'the child is below its parent');
  assert.ok(await page.locator('.cn[data-conn="6"]').isVisible(), 'a connector joins them');
  assert.deepEqual(await attrs(page, '[data-seq="5"] [data-routine].rz', 'data-routine'), ['injector.sys'], 'the raising routine is marked');
  // The details list the child under the injector's routine.
  await page.click('[data-seq="5"]');
  const routineItems = page.locator('#side ol > li');
  assert.equal(await routineItems.count(), 3);
  assert.match((await routineItems.nth(0).textContent())!, /slot 0\s+sysmon\.sys/);
  assert.match((await routineItems.nth(2).textContent())!, /slot 2\s+injector\.sys[\s\S]*raised from inside this routine[\s\S]*#6 inject64\.dll/);
  assert.doesNotMatch((await routineItems.nth(1).textContent())!, /#6/);
  // Following the link selects the child, which names its parent.
  await page.click('#side [data-goto="6"]');
  assert.equal(await page.getAttribute('#tl', 'data-selected'), '6');
  assert.match((await page.textContent('#side'))!, /from inside injector\.sys handling\s*#5 kernel32\.dll/);
  await page.screenshot({ path: join(artifacts, 'report-demo-nested.png') });
  assertClean(o);
});

test('browser (demo): hovering a mark shows FullImageName and Properties; clicking shows every field', async (t) => {
  const timeline = demoTimeline();
  const o = await open(t, timeline, 'demo-hover');
  if (!o) return;
  const { page } = o;
  assert.ok(await page.locator('#tip').isHidden());
  // At the first view the marks overlap (0.25 ms apart); the centre of each is still that mark's.
  for (const n of timeline.notifications) {
    await page.hover(`[data-seq="${n.seq}"]`);
    await page.waitForFunction((s) => document.getElementById('tip')!.textContent!.startsWith(`#${s} `), n.seq);
  }
  for (let k = 0; k < 4; k++) await page.click('#zin');
  await page.hover('[data-seq="5"]');
  const tip = page.locator('#tip');
  await tip.waitFor({ state: 'visible' });
  const text = (await tip.textContent())!;
  assert.ok(text.includes('\\Device\\HarddiskVolume3\\Windows\\System32\\kernel32.dll'), text);
  assert.match(text, /Properties 0x0003c403\s+usr C\/3/);
  assert.match(text, /SE_SIGNING_LEVEL_WINDOWS/);
  await page.hover('[data-seq="19"]');
  assert.match((await tip.textContent())!, /Properties 0x00081c03\s+usr 1\/0 mismatch partial/);
  await page.click('[data-seq="5"]');
  const side = (await page.textContent('#side'))!;
  for (const field of Object.keys(timeline.notifications[4]!.imageInfo)) assert.ok(side.includes(field), field);
  assert.match(side, /FileName\s*\\Windows\\System32\\kernel32\.dll/);
  assert.match(side, /0xffffc081000690/);
  await page.screenshot({ path: join(artifacts, 'report-demo.png') });
  assertClean(o);
});

test('browser (demo): the filter hides lanes and marks that do not match', async (t) => {
  const timeline = demoTimeline();
  const o = await open(t, timeline, 'demo-filter');
  if (!o) return;
  const { page } = o;
  await filterTo(page, 'notepad');
  await page.waitForSelector('#tl[data-shown="7"]');
  assert.ok(await page.locator('[data-pid="532"]').isVisible());
  assert.ok(await page.locator('[data-pid="360"]').isHidden());
  assert.ok(await page.locator('[data-pid="0"]').isHidden());
  assert.ok(await page.locator('[data-seq="13"]').isVisible());
  assert.ok(await page.locator('[data-seq="5"]').isHidden());
  // By driver: only notifications whose routines include inventory.sys.
  await filterTo(page, 'inventory.sys');
  const withInventory = timeline.notifications.filter((n) => n.routines.some((r) => r.driver === 'inventory.sys') || n.fullImageName!.includes('inventory.sys'));
  await page.waitForSelector(`#tl[data-shown="${withInventory.length}"]`);
  assert.ok(await page.locator('[data-seq="19"]').isHidden(), 'helper64.dll: sysmon only');
  assert.ok(await page.locator('[data-seq="2"]').isVisible());
  // By image name, across processes.
  await filterTo(page, 'inject64');
  await page.waitForSelector('#tl[data-shown="2"]');
  assert.ok(await page.locator('[data-seq="6"]').isVisible());
  assert.ok(await page.locator('[data-seq="11"]').isVisible());
  assert.ok(await page.locator('[data-pid="532"]').isHidden());
  await filterTo(page, '');
  await page.waitForSelector(`#tl[data-shown="${timeline.notifications.length}"]`);
  assert.ok(await page.locator('[data-pid="360"]').isVisible());
  assertClean(o);
});

test('browser (demo): zoom changes the visible time range; fit shows the whole run again', async (t) => {
  const o = await open(t, demoTimeline(), 'demo-zoom');
  if (!o) return;
  const { page } = o;
  const whole = await viewRange(page);
  assert.ok(whole.start <= 0 && whole.end >= 50, JSON.stringify(whole));
  await page.click('#zin');
  const in2 = await viewRange(page);
  assert.ok(Math.abs(in2.width - whole.width / 2) < whole.width * 0.01, JSON.stringify(in2));
  await page.keyboard.press('+');
  const in3 = await viewRange(page);
  assert.ok(in3.width < in2.width);
  // Ctrl+wheel over the timeline zooms out around the pointer.
  const box = (await page.locator('#tl').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 100);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, 400);
  await page.keyboard.up('Control');
  await page.waitForFunction((w) => {
    const tl = document.getElementById('tl')!;
    return Number(tl.getAttribute('data-view-end')) - Number(tl.getAttribute('data-view-start')) > w;
  }, in3.width);
  // Dragging pans.
  const before = await viewRange(page);
  await page.mouse.move(box.x + 400, box.y + 400);
  await page.mouse.down();
  await page.mouse.move(box.x + 200, box.y + 400, { steps: 5 });
  await page.mouse.up();
  const panned = await viewRange(page);
  assert.ok(panned.start > before.start, 'dragged left: later times come into view');
  await page.click('#zfit');
  assert.deepEqual(await viewRange(page), whole);
  assertClean(o);
});

test('browser (bug check): the bug check is one unmissable marker with its code; Sigma matches sit on their notification', async (t) => {
  const timeline = bugCheckTimeline();
  const o = await open(t, timeline, 'bugcheck');
  if (!o) return;
  const { page } = o;
  assert.deepEqual(await attrs(page, '[data-bugcheck]', 'data-bugcheck'), ['0x7e']);
  const marker = page.locator('[data-bugcheck]');
  assert.ok(await marker.isVisible());
  const markerBox = (await marker.boundingBox())!;
  const lanes = (await page.locator('#cv').boundingBox())!;
  assert.ok(markerBox.height >= Math.min(lanes.height, 600) - 30, 'full height');
  const banner = (await page.textContent('[data-bugcheck-ref="0"]'))!;
  assert.match(banner, /STOP 0x0000007E \(0xe06d7363, 0xfffff80611001000, 0x0, 0x0\) SYSTEM_THREAD_EXCEPTION_NOT_HANDLED — leaky\.sys/);
  await page.hover('[data-bugcheck] span');
  assert.match((await page.textContent('#tip'))!, /BUG CHECK 0x7e SYSTEM_THREAD_EXCEPTION_NOT_HANDLED[\s\S]*0xe06d7363/);
  assert.deepEqual((await attrs(page, '[data-rule]', 'data-rule')).sort(), timeline.matches.map((m) => m.ruleId).sort());
  assert.equal(await page.locator('[data-seq="7"] [data-rule]').count(), 2);
  assert.equal(await page.locator('[data-seq="5"] [data-rule]').count(), 1);
  assert.equal(await page.locator('[data-watchdog]').count(), 1);
  assert.match((await page.textContent('[data-watchdog-ref="0"]'))!, /leaky\.sys in notify routine for dbghelp\.dll/);
  assert.equal(await page.textContent('[data-count="bugchecks"]'), '1');
  assert.equal(await page.textContent('[data-count="matches"]'), '3');
  await page.hover('[data-seq="7"]');
  assert.match((await page.textContent('#tip'))!, /Sigma \[medium\] Unsigned DLL loaded from a temp folder/);
  await page.screenshot({ path: join(artifacts, 'report-bugcheck.png') });
  assertClean(o);
});

test('browser (replay): lanes are grouped by host; a pid on two hosts is two processes', async (t) => {
  const timeline = replayTimeline();
  const o = await open(t, timeline, 'replay');
  if (!o) return;
  const { page } = o;
  assert.deepEqual(await attrs(page, '[data-host-label]', 'data-host-label'), ['WKS-01', 'DC-01']);
  const lanes = await page.$$eval('[data-pid]', (els) => els.map((e) => `${e.getAttribute('data-host')}:${e.getAttribute('data-pid')}`));
  assert.equal(lanes.length, timeline.processes.length);
  assert.deepEqual(lanes, ['WKS-01:4', 'WKS-01:1234', 'WKS-01:2000', 'DC-01:4', 'DC-01:1234', 'DC-01:2008']);
  assert.equal(await page.locator('[data-pid][data-kernel]').count(), 2);
  await filterTo(page, 'DC-01');
  await page.waitForSelector('#tl[data-shown="7"]');
  assert.ok(await page.locator('[data-host="WKS-01"][data-pid="1234"]').isHidden());
  assert.ok(await page.locator('[data-host="DC-01"][data-pid="1234"]').isVisible());
  assert.ok(await page.locator('[data-host-label="WKS-01"]').isHidden());
  await filterTo(page, '');
  await page.screenshot({ path: join(artifacts, 'report-replay.png') });
  assertClean(o);
});

test('browser (large): 20,000 notifications, every element present; dense view on a canvas, marks when zoomed in', async (t) => {
  const timeline = largeTimeline(20_000);
  const o = await open(t, timeline, 'large');
  if (!o) return;
  const { page } = o;
  assert.equal(await page.locator('[data-seq]').count(), timeline.notifications.length);
  assert.equal(await page.locator('[data-routine]').count(), routineCallCount(timeline));
  assert.equal(await page.locator('[data-pid]').count(), timeline.processes.length);
  assert.equal(await page.locator('[data-rule]').count(), timeline.matches.length);
  assert.deepEqual(await attrs(page, '[data-bugcheck]', 'data-bugcheck'), ['0xce']);
  // The whole run is too dense for marks: the canvas draws them, hover still finds them.
  await page.waitForSelector('#tl[data-dense="1"]', { state: 'attached' });
  const target = await page.evaluate(() => {
    const payload = JSON.parse(document.getElementById('psnotify-data')!.textContent!) as { meta: { start: number; end: number; lanePad: number; lanes: { seqs: number[] }[] } };
    const lane = document.querySelector('.lane[data-lane="1"]')!;
    const box = lane.getBoundingClientRect();
    const seq = payload.meta.lanes[1]!.seqs[0]!;
    return { seq, box: { x: box.x, y: box.y, width: box.width }, lanePad: payload.meta.lanePad, start: payload.meta.start, end: payload.meta.end };
  });
  const first = timeline.notifications.find((n) => n.seq === target.seq)!;
  const x = target.box.x + ((first.timeMs - target.start) / (target.end - target.start)) * target.box.width;
  await page.mouse.move(x, target.box.y + target.lanePad + 8);
  await page.locator('#tip').waitFor({ state: 'visible' });
  assert.match((await page.textContent('#tip'))!, new RegExp(`#${target.seq}\\b`));
  // Zoomed in, the marks in the visible window are elements again, and hovering one shows it.
  for (let k = 0; k < 6; k++) await page.click('#zin');
  await page.waitForSelector('#tl[data-dense="0"]', { state: 'attached' });
  const { start, end } = await viewRange(page);
  const n = timeline.notifications.find((x) => x.timeMs > start + (end - start) / 3 && x.timeMs < end - (end - start) / 3)!;
  await page.locator(`[data-seq="${n.seq}"]`).hover();
  await page.waitForFunction((s) => document.getElementById('tip')!.textContent!.startsWith(`#${s} `), n.seq);
  assert.ok((await page.textContent('#tip'))!.includes(n.fullImageName!));
  // Far from the window, marks are not displayed (but present).
  const far = timeline.notifications.find((x) => x.timeMs > 1 && x.timeMs < start / 2)!;
  assert.ok(await page.locator(`[data-seq="${far.seq}"]`).isHidden());
  assert.equal(await page.locator(`[data-seq="${far.seq}"]`).count(), 1);
  await page.screenshot({ path: join(artifacts, 'report-large.png') });
  // The filter works at this size too.
  await filterTo(page, 'powershell');
  const expected = timeline.notifications.filter((x) => x.process === 'powershell.exe').length;
  await page.waitForSelector(`#tl[data-shown="${expected}"]`, { state: 'attached', timeout: 60_000 });
  assertClean(o);
});

test('browser: hostile strings render as inert text', async (t) => {
  const timeline = evilTimeline();
  const o = await open(t, timeline, 'escape');
  if (!o) return;
  const { page } = o;
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.locator('script').count(), 2);
  const visible = '</script><img src=x onerror=alert(1)>\u2401\u2407\u241b[31m\u27e8U+202E\u27e9gpj.exe';
  assert.ok((await page.textContent('h1'))!.includes(visible));
  assert.ok((await page.title()).includes('</script><img src=x onerror=alert(1)>'));
  for (let k = 0; k < 5; k++) await page.click('#zin');
  await page.hover('[data-seq="6"]');
  await page.locator('#tip').waitFor({ state: 'visible' });
  const tip = (await page.textContent('#tip'))!;
  assert.ok(tip.includes(`\\ProgramData\\${visible}`), tip);
  assert.ok(tip.includes(`Sigma [high${visible}] title ${visible}`));
  await page.click('[data-seq="6"]');
  const side = (await page.textContent('#side'))!;
  assert.ok(side.includes(`evil${visible}.sys`));
  // Attributes hold the exact strings.
  assert.deepEqual(await attrs(page, '[data-seq="6"] [data-routine]', 'data-routine'), ['sysmon.sys', 'inventory.sys', 'injector.sys', `evil${EVIL}.sys`]);
  assert.deepEqual(await attrs(page, '[data-rule]', 'data-rule'), [`rule-${EVIL}`]);
  assert.equal(await page.locator('[data-bugcheck]').count(), 1);
  await page.screenshot({ path: join(artifacts, 'report-escape.png') });
  assertClean(o);
});
