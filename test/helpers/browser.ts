// Opening a generated page in headless Chromium with every request but the
// page's own file blocked, and checking nothing went wrong on it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';

/** Debian's chromium, or the browser PSNOTIFY_CHROMIUM names. */
export const CHROMIUM = process.env['PSNOTIFY_CHROMIUM'] || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
export const NO_CHROMIUM = 'no Chromium found: install Debian chromium (apt-get install chromium) or set PSNOTIFY_CHROMIUM';

export interface Opened {
  page: Page;
  url: string;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Every request the page made (the page itself included). */
  requests: string[];
  /** Requests to anything but a file: URL (each was blocked). */
  external: string[];
  dialogs: string[];
}

/** Opens `file` in a new page of `browser`, closed when the test ends, once the page's script has run. */
export async function openFile(browser: Browser, t: { after(fn: () => unknown): void }, file: string, viewport = { width: 1600, height: 900 }): Promise<Opened> {
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport });
  t.after(() => page.close());
  const opened: Opened = { page, url, errors: [], requests: [], external: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') opened.errors.push(m.text());
  });
  page.on('pageerror', (e) => opened.errors.push(String(e)));
  page.on('request', (r) => opened.requests.push(r.url()));
  page.on('dialog', (d) => {
    opened.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.route('**/*', (route) => {
    const target = route.request().url();
    if (target.startsWith('file:')) return route.continue();
    opened.external.push(target);
    return route.abort();
  });
  await page.goto(url, { timeout: 180_000 });
  await page.waitForSelector('html[data-ready]', { state: 'attached', timeout: 180_000 });
  return opened;
}

/** Nothing went wrong on the page: no error, no dialog, no request but the page's own file. */
export function assertClean(o: Opened): void {
  assert.deepEqual(o.errors, []);
  assert.deepEqual(o.external, []);
  assert.deepEqual(o.dialogs, []);
  assert.deepEqual(o.requests, [o.url]);
}

