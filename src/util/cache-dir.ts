import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * cacheDir returns the per-user cache that outlives clones of the repository: built Go binaries, reference
 * tools and their module caches live here, keyed by version. `FLUXTS_CACHE_DIR` overrides it.
 */
export function cacheDir(...parts: string[]): string {
  const root =
    process.env['FLUXTS_CACHE_DIR'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'fluxts');
  return join(root, ...parts);
}
