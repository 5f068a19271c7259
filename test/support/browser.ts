// Headless Chromium from Debian (the `chromium` package, installed by scripts/system-deps.ts), driven by
// playwright-core with the system executable: no browser download. Fails loudly when Chromium is missing.
import { existsSync } from 'node:fs';

import assert from 'node:assert/strict';

import { type Browser, chromium, type Page } from 'playwright-core';

/** CHROMIUM_PATHS are where Debian's package puts the browser binary (the launcher script is a wrapper). */
const CHROMIUM_PATHS = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];

/** launchChromium starts a headless browser; close() it when done. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = CHROMIUM_PATHS.find((p) => existsSync(p));
  if (!executablePath) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATHS.join(' or ')}: apt-get install chromium`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    // The tests run as root in a container: Chromium's sandbox needs user namespaces it may not have.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

/**
 * openPage opens url in a new 1280×900 context closed after the test, and fails the test if the page threw or
 * logged an error. The browser logs every failed request: a refused action (403) and the sign-in check (401) are
 * expected and shown by the page itself, so they are not errors.
 */
export async function openPage(
  browser: Browser,
  t: { after(fn: () => Promise<void>): void },
  url: string,
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) errors.push(m.text());
  });
  t.after(() => {
    assert.deepEqual(errors, [], 'the page logged errors');
    return Promise.resolve();
  });
  await page.goto(url);
  return page;
}
