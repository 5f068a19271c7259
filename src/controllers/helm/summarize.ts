// Ready of a HelmRelease, summarised from the release conditions as helm-controller's `summarize` does: the first
// of Remediated, TestSuccess (only when tests are enabled and their failures count) and Released decides, a
// remediation always meaning not ready and Unknown counting as False. A Remediated condition gives way once a later
// release succeeded (and, when tests count, was tested successfully).
import { HelmReleaseConditionType, type HelmRelease } from '../../api/index.ts';
import { conditions } from '../../runtime/index.ts';

const { Released, Remediated, TestSuccess } = HelmReleaseConditionType;

/** summarize sets Ready from the release conditions (helm-controller summarize). */
export function summarize(hr: HelmRelease): void {
  const test = hr.spec.test;
  const testsCount = Boolean(test?.enable) && !test?.ignoreFailures;
  if (!test?.enable) conditions.remove(hr, TestSuccess);
  dropStaleRemediated(hr, testsCount);
  const order = testsCount ? [Remediated, TestSuccess, Released] : [Remediated, Released];
  const source = order.map((type) => conditions.get(hr, type)).find((c) => c !== undefined);
  if (!source) return;
  const ready = source.status === 'True' && source.type !== Remediated;
  if (ready) {
    conditions.markTrue(hr, 'Ready', source.reason, source.message);
    conditions.remove(hr, 'Stalled');
  } else {
    conditions.markFalse(hr, 'Ready', source.reason, source.message);
  }
}

/**
 * dropStaleRemediated removes Remediated once Released is True for the same or a newer generation, and, when tests
 * count, TestSuccess is True too (helm-controller conditionallyDeleteRemediated).
 */
function dropStaleRemediated(hr: HelmRelease, testsCount: boolean): void {
  const remediated = conditions.get(hr, Remediated);
  const released = conditions.get(hr, Released);
  if (!remediated || released?.status !== 'True') return;
  const newer = (c: { observedGeneration?: number }): boolean =>
    (c.observedGeneration ?? 0) >= (remediated.observedGeneration ?? 0);
  if (!testsCount) {
    if (newer(released)) conditions.remove(hr, Remediated);
    return;
  }
  const tested = conditions.get(hr, TestSuccess);
  if (tested?.status === 'True' && newer(tested)) conditions.remove(hr, Remediated);
}

/**
 * replaceRemediated turns a True Remediated condition into Released (UpgradeSucceeded) when the release a rollback
 * restored is what is desired after all (helm-controller replaceCondition, for in-sync and untested releases).
 */
export function replaceRemediated(hr: HelmRelease, message: string): void {
  if (!conditions.isTrue(hr, Remediated)) return;
  conditions.remove(hr, Remediated);
  conditions.markTrue(hr, Released, 'UpgradeSucceeded', message);
}
