// renderHtml without a browser: the markup carries the data-attribute contract,
// the embedded data reads back as the timeline, nothing refers outside the
// page, and hostile strings come out as text.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { escapeAttr, escapeText, jsonForScript, visibleText } from '../src/report/escape.js';
import { renderHtml } from '../src/report/html.js';
import { PAGE_DECODER } from '../src/report/page-data.js';
import { PAGE_SCRIPT } from '../src/report/page-script.js';
import { checkTimeline, routineCallCount, type RunTimeline } from '../src/report/timeline.js';
import { EVIL, bugCheckTimeline, demoTimeline, evilTimeline, largeTimeline, replayTimeline } from './helpers/timelines.js';

const attrValues = (html: string, name: string) => [...html.matchAll(new RegExp(` ${name}="([^"]*)"`, 'g'))].map((m) => m[1]!);
const embedded = (html: string) => {
  const open = '<script type="application/json" id="psnotify-data">';
  const start = html.indexOf(open) + open.length;
  return JSON.parse(html.slice(start, html.indexOf('</script>', start))) as { data: unknown; meta: unknown };
};
const decode = new Function(`${PAGE_DECODER}; return decodePageData;`)() as (packed: unknown) => RunTimeline;

for (const [name, make] of [['demo', demoTimeline], ['bug check', bugCheckTimeline], ['replay', replayTimeline], ['large', () => largeTimeline(20_000)]] as const) {
  test(`html (${name}): one element per notification, routine call, process, bug check and match`, () => {
    const timeline = make();
    const html = renderHtml(timeline);
    assert.deepEqual(attrValues(html, 'data-seq').map(Number).sort((a, b) => a - b), timeline.notifications.map((n) => n.seq));
    assert.equal(attrValues(html, 'data-routine').length, routineCallCount(timeline));
    assert.deepEqual(attrValues(html, 'data-pid').map(Number).sort((a, b) => a - b), timeline.processes.map((p) => p.pid).sort((a, b) => a - b));
    assert.deepEqual(attrValues(html, 'data-bugcheck'), timeline.bugChecks.map((b) => `0x${b.code.toString(16)}`));
    assert.deepEqual(attrValues(html, 'data-rule').sort(), timeline.matches.map((m) => m.ruleId).sort());
    // The embedded data is the timeline.
    assert.deepEqual(decode(embedded(html).data), JSON.parse(JSON.stringify(timeline)));
  });
}

test('html: self-contained — no external reference, one inline script allowed by its hash', () => {
  const html = renderHtml(bugCheckTimeline());
  assert.doesNotMatch(html, /\b(src|href)\s*=/i);
  assert.doesNotMatch(html, /url\(/i);
  assert.doesNotMatch(html, /https?:\/\//i);
  assert.doesNotMatch(html, /@import/i);
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
  assert.match(csp, /default-src 'none'/);
  const hash = createHash('sha256').update(PAGE_SCRIPT, 'utf8').digest('base64');
  assert.ok(csp.includes(`'sha256-${hash}'`));
  assert.ok(html.includes(`<script>${PAGE_SCRIPT}</script>`));
  assert.equal(html.split('<script').length - 1, 2, 'the data and the page script');
});

test('html: the page script parses and cannot end its own element', () => {
  assert.doesNotThrow(() => new Function(PAGE_SCRIPT));
  assert.doesNotMatch(PAGE_SCRIPT, /<\/script|<!--/i);
});

test('html: hostile strings are inert text (no markup, no raw controls), and read back exactly from the data', () => {
  const timeline = evilTimeline();
  assert.deepEqual(checkTimeline(timeline), []);
  const html = renderHtml(timeline);
  assert.doesNotMatch(html, /<img/i);
  assert.equal(html.split('</script').length - 1, 2, 'only the two script elements end');
  assert.doesNotMatch(html, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u202e]/, 'no raw control or bidi character');
  assert.ok(html.includes(escapeText(EVIL)), 'text shows the name with visible controls');
  assert.ok(html.includes('\u2401\u2407\u241b[31m\u27e8U+202E\u27e9gpj.exe'));
  // data-routine and data-rule still hold the exact strings.
  const evilDriver = `evil${EVIL}.sys`;
  assert.ok(html.includes(`data-routine="${escapeAttr(evilDriver)}"`));
  assert.ok(html.includes(`data-rule="${escapeAttr(`rule-${EVIL}`)}"`));
  assert.deepEqual(decode(embedded(html).data), JSON.parse(JSON.stringify(timeline)));
});

test('escape helpers', () => {
  assert.equal(escapeText('<a href="x">&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
  assert.equal(visibleText('a\u0000b\u007fc\u0085d\u200be\ud800'), 'a\u2400b\u2421c\u27e8U+0085\u27e9d\u27e8U+200B\u27e9e\ufffd');
  assert.equal(visibleText('😀'), '😀');
  assert.equal(escapeAttr('a"\r\n\u0001<'), 'a&quot;&#13;&#10;&#1;&lt;');
  const json = jsonForScript({ s: '</script><!--\u2028&' });
  assert.doesNotMatch(json, /[<>&\u2028]/);
  assert.deepEqual(JSON.parse(json), { s: '</script><!--\u2028&' });
});

test('checkTimeline: names the broken places', () => {
  const t = demoTimeline();
  t.notifications[3]!.seq = 3; // a duplicate
  t.notifications[5]!.parentSeq = 999;
  t.matches.push({ seq: 12345, ruleId: 'r', title: 't', level: 'low' });
  const problems = checkTimeline(t).join('\n');
  assert.match(problems, /notifications\[3\]: seq 3 appears twice/);
  assert.match(problems, /notifications\[5\]\.parentSeq: no notification 999/);
  assert.match(problems, /matches\[0\]\.seq: no notification 12345/);
});
