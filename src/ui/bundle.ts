// The browser app's bundle: src/ui/app/ (Preact + dagre, TypeScript/TSX) bundled by esbuild into dist/ui/ with
// every dependency inside, so the page makes no request beyond this server. `npm install` builds it (the
// `prepare` script runs scripts/build-ui.ts); the server rebuilds it at start when a source file is newer, so a
// checkout being edited never serves a stale app. An installed copy without esbuild serves what is there.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { errorMessage, FluxtsError } from '../util/errors.ts';

/** APP_DIR holds the browser app's sources; DIST_DIR the built bundle. */
export const APP_DIR = fileURLToPath(new URL('./app/', import.meta.url));
export const DIST_DIR = fileURLToPath(new URL('../../dist/ui/', import.meta.url));

/** BundleError: the app could not be built and no built copy exists. */
export class BundleError extends FluxtsError {}

/** BUNDLE_FILES are the files the build writes and the server serves. */
export const BUNDLE_FILES = ['app.js', 'app.css'] as const;

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  const times = BUNDLE_FILES.map((f) => join(DIST_DIR, f)).map((p) => (existsSync(p) ? statSync(p).mtimeMs : 0));
  return Math.min(...times);
}

/** buildBundle bundles and minifies the app into dist/ui/. */
export async function buildBundle(): Promise<void> {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(APP_DIR, 'main.tsx')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outfile: join(DIST_DIR, 'app.js'),
    legalComments: 'linked',
    logLevel: 'error',
  });
}

/** ensureBundle builds the bundle when it is missing or older than its sources; returns the directory to serve. */
export async function ensureBundle(): Promise<string> {
  const haveSources = existsSync(APP_DIR);
  const stale = haveSources && newestSource(APP_DIR) > builtAt();
  if (!stale && builtAt() > 0) return DIST_DIR;
  try {
    await buildBundle();
  } catch (err) {
    if (builtAt() > 0) return DIST_DIR;
    throw new BundleError(`the web UI's bundle could not be built: ${errorMessage(err)}`, {
      cause: err,
      hint: 'run `npm install` in the fluxts checkout (it builds dist/ui/)',
    });
  }
  return DIST_DIR;
}
