import { KubeClient, type KubeConfig, type KubeObject as KubeResource, loadKubeConfig } from '../../kube/index.ts';
import { FluxtsError, errorMessage } from '../../util/errors.ts';
import type { ApplyFn, ApplyOptions, KubeObject } from './create/index.ts';

/** CreateApplyError: the objects could not be applied, or did not become Ready in time. */
export class CreateApplyError extends FluxtsError {}

/** Kinds without a Ready condition (no status subresource) are applied but not waited for. */
const NOT_RECONCILED = new Set(['Secret', 'Alert', 'Provider']);

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

type Reconciled = KubeResource<
  unknown,
  {
    observedGeneration?: number;
    conditions?: Condition[];
    artifact?: { revision?: string };
    lastAppliedRevision?: string;
  }
>;

/**
 * applyCreated is the `create` commands' apply step without `--export`: a server-side dry-run of every object first
 * (so bad input creates nothing), then server-side apply with the `flux` field manager, then a wait for each
 * reconciled object to become Ready, with flux's progress lines on stdout.
 */
export const applyCreated: ApplyFn = async (objects: KubeObject[], options: ApplyOptions): Promise<void> => {
  const client = new KubeClient(kubeConfigFor(options));
  const placed = objects.map((obj) => withNamespace(obj, options.namespace));
  for (const obj of placed) {
    try {
      await client.apply(obj as unknown as Reconciled, { fieldManager: 'flux', force: true, dryRun: true });
    } catch (err) {
      throw new CreateApplyError(
        `${obj.kind}/${options.namespace}/${nameOf(obj)} validation failed: ${errorMessage(err)}`,
        {
          cause: err,
          hint: 'nothing was created; check the flags, and that the Flux CRDs are installed (fluxts install)',
        },
      );
    }
  }
  for (const obj of placed) {
    process.stdout.write(`► applying ${obj.kind} ${nameOf(obj)}\n`);
    await client.apply(obj as unknown as Reconciled, { fieldManager: 'flux', force: true });
    process.stdout.write(`✔ ${obj.kind} ${nameOf(obj)} applied\n`);
  }
  const deadline = Date.now() + Number(options.timeoutNs / 1_000_000n);
  for (const obj of placed) {
    if (NOT_RECONCILED.has(obj.kind)) continue;
    process.stdout.write(`◎ waiting for ${obj.kind} reconciliation\n`);
    const ready = await waitReady(client, obj, deadline);
    process.stdout.write(`✔ ${obj.kind} reconciliation completed\n`);
    const revision = ready.status?.artifact?.revision ?? ready.status?.lastAppliedRevision;
    if (revision)
      process.stdout.write(`✔ ${obj.kind === 'Kustomization' ? 'applied' : 'fetched'} revision: ${revision}\n`);
  }
};

function kubeConfigFor(options: ApplyOptions): KubeConfig {
  const kubeConfig = loadKubeConfig(options.kubeconfig);
  if (options.context) kubeConfig.setCurrentContext(options.context);
  return kubeConfig;
}

function withNamespace(obj: KubeObject, namespace: string): KubeObject {
  const metadata = (obj['metadata'] ?? {}) as Record<string, unknown>;
  return { ...obj, metadata: { ...metadata, namespace: metadata['namespace'] ?? namespace } } as unknown as KubeObject;
}

function nameOf(obj: KubeObject): string {
  const name = (obj['metadata'] as Record<string, unknown> | undefined)?.['name'];
  return typeof name === 'string' ? name : '';
}

async function waitReady(client: KubeClient, obj: KubeObject, deadline: number): Promise<Reconciled> {
  const namespace = (obj['metadata'] as Record<string, unknown>)['namespace'];
  const key = { name: nameOf(obj), namespace: typeof namespace === 'string' ? namespace : '' };
  const type = { apiVersion: obj.apiVersion, kind: obj.kind };
  let last: Condition | undefined;
  while (Date.now() < deadline) {
    const live = await client.get<Reconciled>(type, key);
    const ready = live.status?.conditions?.find((c) => c.type === 'Ready');
    const current = live.status?.observedGeneration === live.metadata.generation;
    if (ready?.status === 'True' && current) return live;
    if (ready?.status === 'False' && current) {
      throw new CreateApplyError(
        `${obj.kind}/${key.namespace}/${key.name} reconciliation failed: ${ready.message ?? ready.reason ?? ''}`,
      );
    }
    last = ready;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new CreateApplyError(
    `${obj.kind}/${key.namespace}/${key.name} not Ready before the timeout${last?.message ? `: ${last.message}` : ''}`,
    { hint: 'check the controllers are running (fluxts check), or raise --timeout' },
  );
}
