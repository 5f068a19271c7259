// The test action of the release step (helm-controller reconcile/test.go): the latest revision's tests run
// (test-action.ts), their results recorded on the latest status.history snapshot (`testHooks`), TestSuccess set
// with Flux's reasons and messages (`Helm test succeeded for release ns/name.vN with chart c@v: 2 test hooks
// completed successfully`, `Helm test failed for …: <error>`) and an event. A failed test counts as a failure of
// the last release action unless test failures are ignored, so the next decision remediates it.
import { HelmReleaseConditionType, HelmReleaseReason, type HelmRelease } from '../../api/index.ts';
import { conditions, StepError, type StepContext } from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { eventMeta } from './events.ts';
import type { ActionTarget } from './release.ts';
import { activeRemediation, countFailure, ignoreTestFailures } from './remediation.ts';
import { fullReleaseName, testHooksOf, versionedChartName } from './snapshot.ts';
import { summarize } from './summarize.ts';
import { actionTimeout } from './target.ts';
import { testRelease } from './test-action.ts';

const { TestSuccess } = HelmReleaseConditionType;
const { TestFailed, TestSucceeded } = HelmReleaseReason;

/** testTimeout is spec.test.timeout, else spec.timeout. */
export function testTimeout(hr: HelmRelease): number {
  return actionTimeout(hr, hr.spec.test?.timeout);
}

/** testHookCount is Flux's wording of how many tests passed. */
function testHookCount(n: number): string {
  if (n === 0) return 'no test hooks';
  return `${n} test ${n === 1 ? 'hook' : 'hooks'} completed successfully`;
}

/** runTests tests the latest release and records the outcome; throws a StepError when nothing was observed. */
export async function runTests(hr: HelmRelease, ctx: StepContext, t: ActionTarget): Promise<void> {
  const status = (hr.status ??= {});
  const latest = status.history?.[0];
  if (!latest) throw new StepError(TestFailed, 'no latest release: required for test');
  const meta = eventMeta(latest.chartVersion, latest.configDigest, latest.ociDigest ?? '');
  const subject = `release ${fullReleaseName(latest)} with chart ${versionedChartName(latest)}`;
  const fail = (err: unknown, observed: boolean): void => {
    const message = `Helm test failed for ${subject}: ${errorMessage(err).trim()}`;
    status.failures = (status.failures ?? 0) + 1;
    conditions.markFalse(hr, TestSuccess, TestFailed, message);
    ctx.event('error', TestFailed, message, meta);
    const remediation = activeRemediation(hr);
    if (observed && remediation && !ignoreTestFailures(hr, remediation)) countFailure(hr, remediation);
    summarize(hr);
    if (!observed) throw new StepError(TestFailed, message, { cause: err });
  };

  let result;
  try {
    result = await testRelease(t, { timeoutMs: testTimeout(hr), filters: hr.spec.test?.filters ?? [] });
  } catch (err) {
    fail(err, false);
    return;
  }
  const tested = result.release;
  // Helm tests whatever revision is newest in the storage: accept the results only for the one status observed.
  if (tested.version !== latest.version || tested.name !== latest.name || tested.namespace !== latest.namespace) {
    const mismatch = `release mismatch: tested release ${tested.namespace}/${tested.name}.v${tested.version} != current release ${latest.namespace}/${latest.name}.v${latest.version}`;
    fail(new Error(mismatch), false);
    return;
  }
  const current = status.history![0]!;
  current.testHooks = testHooksOf(tested);
  if (result.error) {
    fail(result.error, true);
    return;
  }
  const message = `Helm test succeeded for ${subject}: ${testHookCount(Object.keys(current.testHooks).length)}`;
  conditions.markTrue(hr, TestSuccess, TestSucceeded, message);
  ctx.event('info', TestSucceeded, message, meta);
  summarize(hr);
}
