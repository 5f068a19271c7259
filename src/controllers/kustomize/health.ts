// Step "health checks": what to wait for (spec.wait: every applied object; else spec.healthChecks); the wait itself
// is controllers/common/health.ts (flux-api.md §4.3 step 12, §4.7).
import type { Kustomization } from '../../api/index.ts';
import type { ChangeSet, ObjectRef } from '../../kube/index.ts';

/** healthCheckRefs lists what to check: the applied objects (wait) or the listed ones, never the Kustomization. */
export function healthCheckRefs(ks: Kustomization, changeSet: ChangeSet): ObjectRef[] {
  const self = (r: ObjectRef): boolean =>
    r.group === 'kustomize.toolkit.fluxcd.io' &&
    r.kind === 'Kustomization' &&
    r.name === ks.metadata.name &&
    r.namespace === (ks.metadata.namespace ?? '');
  let refs: ObjectRef[];
  if (ks.spec.wait) {
    refs = changeSet.filter((e) => e.action !== 'skipped');
  } else {
    refs = (ks.spec.healthChecks ?? []).map((h) => {
      const slash = h.apiVersion?.lastIndexOf('/') ?? -1;
      return {
        group: slash < 0 ? '' : h.apiVersion!.slice(0, slash),
        version: slash < 0 ? (h.apiVersion ?? '') : h.apiVersion!.slice(slash + 1),
        kind: h.kind,
        namespace: h.namespace ?? '',
        name: h.name,
      };
    });
  }
  return refs.filter((r) => !self(r));
}
