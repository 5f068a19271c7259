import { isMap, isSeq } from 'yaml';

import { CLUSTER_SCOPED } from '../config.ts';
import { field, scalar, setField, str } from '../nodes.ts';
import type { Resource } from '../resource.ts';

/** isClusterScoped is true for kinds that live outside namespaces. */
export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/**
 * setNamespace is kustomize's namespace transformer: namespaced objects move to `ns`, Namespace objects are
 * renamed to it, ServiceAccount subjects of role bindings follow, and so do APIService and CRD conversion
 * webhook service references.
 */
export function setNamespace(resources: readonly Resource[], ns: string, unsetOnly = false): void {
  for (const r of resources) {
    if (r.kind === 'Namespace' && r.group === '') {
      if (!unsetOnly) r.setName(ns);
      continue;
    }
    if (!isClusterScoped(r.kind) && !(unsetOnly && r.namespace !== '')) r.setNamespace(ns);
    if ((r.kind === 'RoleBinding' || r.kind === 'ClusterRoleBinding') && r.group === 'rbac.authorization.k8s.io') {
      const subjects = field(r.node, 'subjects');
      if (isSeq(subjects)) {
        for (const s of subjects.items) {
          // Only the ServiceAccount named "default" follows; subjects naming accounts of the build are
          // rewritten by the name-reference pass instead.
          if (!isMap(s) || str(field(s, 'kind')) !== 'ServiceAccount') continue;
          if (str(field(s, 'name')) === 'default') setField(s, 'namespace', scalar(ns));
        }
      }
    }
    if (r.kind === 'APIService' && r.group === 'apiregistration.k8s.io') {
      const svc = field(field(r.node, 'spec'), 'service');
      if (isMap(svc)) setField(svc, 'namespace', scalar(ns));
    }
    if (r.kind === 'CustomResourceDefinition' && r.group === 'apiextensions.k8s.io') {
      const svc = field(field(field(field(field(r.node, 'spec'), 'conversion'), 'webhook'), 'clientConfig'), 'service');
      if (isMap(svc) && field(svc, 'namespace') !== undefined) setField(svc, 'namespace', scalar(ns));
    }
  }
}
