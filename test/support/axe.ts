// Accessibility checks with axe-core (the npm package's own engine, evaluated in the page: no download, and the
// UI's CSP does not apply to DevTools evaluation). Returns the WCAG 2.1 A and AA violations found, one line each.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axeViolations runs axe-core on the page as it is now and lists each violation with the elements it found. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  // A script string: it runs in the page, where axe is now defined.
  const violations = await page.evaluate<{ id: string; help: string; targets: string[] }[]>(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((r) => r.violations.map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => String(n.target)) })))`);
  return violations.map((v) => `${v.id} (${v.help}): ${v.targets.slice(0, 5).join(', ')}`);
}
