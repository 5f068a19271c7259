// How a controller process should be started: V8 and glibc settings for a long-running controller, shared by the
// Deployments `fluxts install` writes and by the benchmarks, so what is measured is what is deployed.
//
// Measured with bench/kustomizations.ts (1000 Kustomizations, default API rate limits, 2-core machine): Node's
// defaults peak at 275 MiB RSS although the live heap is ~40 MiB (a heap snapshot at 400 Kustomizations). The
// young generation's default 16 MiB semi-spaces and glibc's per-thread malloc arenas (libuv and V8 GC threads)
// account for most of the rest: `--max-semi-space-size=4` with MALLOC_ARENA_MAX=2 peaks at 192 MiB and was not
// slower; an old-space cap of 384 MiB brought it to 158 MiB. The cap is set at half the Deployment's 1 GiB memory
// limit: V8 collects harder as it nears the cap, while a build of a very large repository still has room.

/** CONTROLLER_NODE_OPTIONS are the V8 flags a controller process runs with. */
export const CONTROLLER_NODE_OPTIONS = '--max-semi-space-size=4 --max-old-space-size=512';

/** controllerProcessEnv returns the environment for a controller process, keeping NODE_OPTIONS already set. */
export function controllerProcessEnv(base: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  env['NODE_OPTIONS'] = [CONTROLLER_NODE_OPTIONS, base['NODE_OPTIONS']].filter(Boolean).join(' ');
  env['MALLOC_ARENA_MAX'] = base['MALLOC_ARENA_MAX'] ?? '2';
  return env;
}
