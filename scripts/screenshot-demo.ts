// Regenerates docs/images/demo-timeline.png, the README's picture of the
// demo's HTML timeline: runs `psnotify demo --html`, opens the page in
// headless Chromium (Debian's /usr/bin/chromium, or PSNOTIFY_CHROMIUM) with
// every non-file request blocked, and takes a screenshot.
// Run: npm run screenshot
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { main } from '../src/cli/main.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const executablePath = process.env['PSNOTIFY_CHROMIUM'] || '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'psnotify-shot-'));
try {
  const page = join(dir, 'demo.html');
  const quiet = { write: () => true };
  const code = await main(['demo', '--html', page], { stdout: quiet, stderr: process.stderr });
  if (code !== 0) throw new Error(`psnotify demo exited ${code}`);
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 820 } });
    await tab.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    await tab.goto(pathToFileURL(page).href);
    await tab.waitForSelector('[data-seq]', { state: 'attached' });
    const out = join(root, 'docs', 'images', 'demo-timeline.png');
    await tab.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
