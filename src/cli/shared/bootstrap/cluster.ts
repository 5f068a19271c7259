// The cluster side of a bootstrap: what is installed already (Flux, or another fluxts version), the source
// Secret (created once, kept on re-runs), the sync objects applied with a reconcile request, and the waits until
// the cluster has pulled the pushed commit and applied it.
import { isNotFound, type KubeClient, type KubeObject } from '../../../kube/index.ts';
import { CliClusterError } from '../errors.ts';
import { pollUntil } from '../wait.ts';

/** Installed is what a namespace runs today. */
export type Installed =
  { kind: 'none' } | { kind: 'fluxts'; version: string } | { kind: 'other'; image: string; version: string };

/** installedFlux looks at the source-controller Deployment, which every Flux and fluxts install has. */
export async function installedFlux(client: KubeClient, namespace: string): Promise<Installed> {
  let d: KubeObject;
  try {
    d = await client.get<KubeObject>(
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { namespace, name: 'source-controller' },
    );
  } catch (err) {
    if (isNotFound(err)) return { kind: 'none' };
    throw err;
  }
  const spec = d.spec as { template?: { spec?: { containers?: { image?: string }[] } } };
  const image = spec.template?.spec?.containers?.[0]?.image ?? '';
  const version = d.metadata.labels?.['app.kubernetes.io/version'] ?? '';
  const args = (spec.template?.spec?.containers?.[0] as { args?: string[] } | undefined)?.args ?? [];
  // A fluxts Deployment runs `fluxts controller <name>`; Flux's run their own binaries.
  return args[0] === 'controller' ? { kind: 'fluxts', version } : { kind: 'other', image, version };
}

/** secretExists: a re-run keeps the Secret (and so the deploy key the repository trusts). */
export async function secretExists(client: KubeClient, namespace: string, name: string): Promise<boolean> {
  try {
    await client.get({ apiVersion: 'v1', kind: 'Secret' }, { namespace, name });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface SyncStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  artifact?: { revision?: string };
  lastAppliedRevision?: string;
}

/**
 * waitSynced waits until an object reports Ready for `revision` (`<branch>@sha1:<commit>`): the GitRepository's
 * artifact or the Kustomization's last applied revision. A Ready=False with a terminal reason keeps waiting (the
 * deploy key may not be trusted yet); the timeout message carries the last condition.
 */
export async function waitSynced(
  client: KubeClient,
  type: { apiVersion: string; kind: string },
  namespace: string,
  name: string,
  revision: string,
  timeoutMs: number,
): Promise<void> {
  let last = '';
  await pollUntil(`${type.kind} ${namespace}/${name}`, timeoutMs, async () => {
    const obj = await client.get<KubeObject<unknown, SyncStatus>>(type, { namespace, name });
    const st = obj.status ?? {};
    const ready = st.conditions?.find((c) => c.type === 'Ready');
    last = ready ? `${ready.reason ?? ''}: ${ready.message ?? ''}` : 'no Ready condition yet';
    const at = type.kind === 'GitRepository' ? st.artifact?.revision : st.lastAppliedRevision;
    const current = (st.observedGeneration ?? 0) >= (obj.metadata.generation ?? 0);
    return current && ready?.status === 'True' && at === revision ? true : undefined;
  }).catch((err: unknown) => {
    throw new CliClusterError(`${type.kind} ${namespace}/${name} did not reconcile ${revision}: ${last}`, {
      cause: err,
      hint: `look at it with: fluxts get ${type.kind === 'GitRepository' ? 'sources git' : 'kustomizations'} -n ${namespace}`,
    });
  });
}

/** requestReconcile sets flux's reconcile.fluxcd.io/requestedAt so a re-run does not wait for the interval. */
export async function requestReconcile(
  client: KubeClient,
  type: { apiVersion: string; kind: string },
  namespace: string,
  name: string,
): Promise<void> {
  await client.patch(type, { namespace, name }, 'merge', {
    metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() } },
  });
}
