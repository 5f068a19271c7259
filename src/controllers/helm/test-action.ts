// Helm v4.2.4's test action (action/release_testing.go) on the cluster: the latest revision's `test` hooks (legacy
// `test-success` is parsed as `test`) run in weight order, narrowed by spec.test.filters (names to exclude, then
// names to include, as Helm's `name` / `!name` filters), each created, waited for until it completes, and deleted
// by its delete policies; the first failure stops the run. The revision is then stored again with each hook's last
// run, as Helm stores it, so `helm history`/`helm status` and status.history's `testHooks` show the results.
import { hooksFor, type Release, type ReleaseHook } from '../../engines/helm/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { runHook } from './hooks.ts';
import { type ActionTarget, ReleaseActionError, store } from './release.ts';

/** TestFilter is one spec.test.filters entry. */
export interface TestFilter {
  name: string;
  exclude?: boolean;
}

/** TestOptions are spec.test's settings. */
export interface TestOptions {
  timeoutMs: number;
  filters: readonly TestFilter[];
}

/**
 * selectTests splits the release's hooks as Helm's filters do: excluded names are skipped, then, when names are
 * included, every other hook is skipped. Helm stores the hooks back skipped-first, which this order reproduces.
 */
export function selectTests(
  hooks: readonly ReleaseHook[],
  filters: readonly TestFilter[],
): { run: ReleaseHook[]; skipped: ReleaseHook[] } {
  const excluded = filters.filter((f) => f.exclude).map((f) => f.name);
  const included = filters.filter((f) => !f.exclude).map((f) => f.name);
  let run = [...hooks];
  const skipped: ReleaseHook[] = [];
  if (excluded.length > 0) {
    skipped.push(...run.filter((h) => excluded.includes(h.name)));
    run = run.filter((h) => !excluded.includes(h.name));
  }
  if (included.length > 0) {
    skipped.push(...run.filter((h) => !included.includes(h.name)));
    run = run.filter((h) => included.includes(h.name));
  }
  return { run, skipped };
}

/** TestResult is the revision tested (stored with its hooks' last runs) and the failure, if a test failed. */
export interface TestResult {
  release: Release;
  error: Error | undefined;
}

/**
 * testRelease runs the latest revision's tests. It resolves with the stored outcome (`error` set when a test
 * failed); it throws a ReleaseActionError when nothing could be recorded (no release, storage unreachable).
 */
export async function testRelease(t: ActionTarget, opts: TestOptions): Promise<TestResult> {
  let rel: Release | undefined;
  try {
    rel = await t.storage.last(t.name);
  } catch (err) {
    throw new ReleaseActionError(errorMessage(err), false, { cause: err });
  }
  if (!rel) throw new ReleaseActionError('release: not found', false);
  const { run, skipped } = selectTests(rel.hooks, opts.filters);
  const filters = opts.filters.length > 0;
  if (filters) rel.hooks = run;
  let error: Error | undefined;
  try {
    for (const hook of hooksFor(rel, 'test')) {
      await runHook(t.client, rel, hook, 'test', { timeoutMs: opts.timeoutMs, signal: t.signal });
    }
  } catch (err) {
    error = err instanceof Error ? err : new Error(String(err));
  }
  if (filters) rel.hooks = [...skipped, ...rel.hooks];
  try {
    await store(t, rel, false);
  } catch (err) {
    throw new ReleaseActionError(errorMessage(err), false, { cause: err });
  }
  return { release: rel, error };
}
