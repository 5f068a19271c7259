// Headless Chromium from Debian (the `chromium` package, installed by scripts/system-deps.ts), driven by
// playwright-core with the system executable: no browser download. Fails loudly when Chromium is missing.
import { existsSync } from 'node:fs';

import { type Browser, chromium } from 'playwright-core';

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
