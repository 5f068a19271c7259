// Where a HelmRelease's release lives and the settings of its actions, with helm-controller's defaults.
import type { HelmRelease } from '../../api/index.ts';
import { parseDuration } from '../../runtime/index.ts';
import { releaseName } from './release-name.ts';

/** DEFAULT_TIMEOUT_MS is spec.timeout's default (5m). */
const DEFAULT_TIMEOUT_MS = 300_000;
/** DEFAULT_MAX_HISTORY is spec.maxHistory's default. */
const DEFAULT_MAX_HISTORY = 5;

/** releaseTarget is the release's name, namespace and storage namespace. */
export function releaseTarget(hr: HelmRelease): { name: string; namespace: string; storageNamespace: string } {
  const own = hr.metadata.namespace ?? '';
  return {
    name: releaseName(hr),
    namespace: hr.spec.targetNamespace || own,
    storageNamespace: hr.spec.storageNamespace || own,
  };
}

/** actionTimeout is the action's own timeout, else spec.timeout, else 5m. */
export function actionTimeout(hr: HelmRelease, own: string | undefined): number {
  if (own) return parseDuration(own);
  if (hr.spec.timeout) return parseDuration(hr.spec.timeout);
  return DEFAULT_TIMEOUT_MS;
}

/** maxHistory is spec.maxHistory (5 when unset, 0 for unlimited). */
export function maxHistory(hr: HelmRelease): number {
  return hr.spec.maxHistory ?? DEFAULT_MAX_HISTORY;
}
