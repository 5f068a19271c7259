import { setTimeout as sleep } from 'node:timers/promises';

import { KubeApiError, type KubeClient, type KubeObject as KubeResource } from '../../kube/index.ts';
import { FluxtsError, errorMessage } from '../../util/errors.ts';
import { connect, explainClusterError } from '../shared/connect.ts';
import { Logger, type Output, processOutput } from '../shared/terminal.ts';
import { pollIntervalMs } from '../shared/wait.ts';
import type { ApplyFn, ApplyOptions, KubeObject } from './create/index.ts';

/** CreateApplyError: the objects could not be applied, or did not become Ready in time. */
export class CreateApplyError extends FluxtsError {}

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
    lastAttemptedRevision?: string;
    history?: { chartVersion?: string }[];
    webhookPath?: string;
  }
>;

/**
 * Wording is what flux v2.9.5 prints for one kind (cmd/flux/create_*.go): `label` names the object in the
 * generate/apply/wait lines, `created` in the created/updated line, `ready` is the line once Ready, `after` the
 * revision line (none when it returns undefined); `generate` false for the commands that print no `✚` line.
 */
interface Wording {
  label: string;
  created: string;
  generate: boolean;
  /** static objects (no status) are only checked to exist, as flux's isStaticObjectReadyConditionFunc. */
  static?: boolean;
  secretLine?: string;
  ready: (name: string) => string;
  after?: (obj: Reconciled) => string | undefined;
}

const fetched = (obj: Reconciled): string | undefined =>
  obj.status?.artifact?.revision ? `fetched revision: ${obj.status.artifact.revision}` : undefined;

function source(kind: string, created: string, secretLine?: string): Wording {
  return {
    label: `${kind} source`,
    created,
    generate: true,
    ...(secretLine ? { secretLine } : {}),
    ready: () => `${kind} source reconciliation completed`,
    after: fetched,
  };
}

function resource(kind: string, after?: (obj: Reconciled) => string | undefined, isStatic = false): Wording {
  return {
    label: kind,
    created: kind,
    generate: true,
    static: isStatic,
    ready: (name) => `${kind} ${name} is ready`,
    ...(after ? { after } : {}),
  };
}

function image(kind: string): Wording {
  return { label: kind, created: kind, generate: true, ready: () => `${kind} reconciliation completed` };
}

const WORDING: Record<string, Wording> = {
  GitRepository: source('GitRepository', 'GitRepository source', 'applying secret with repository credentials'),
  HelmRepository: source('HelmRepository', 'source', 'applying secret with repository credentials'),
  HelmChart: source('HelmChart', 'source'),
  Bucket: source('Bucket', 'Bucket source', 'applying secret with the bucket credentials'),
  OCIRepository: {
    label: 'OCIRepository',
    created: 'OCIRepository',
    generate: false,
    ready: () => 'OCIRepository reconciliation completed',
    after: fetched,
  },
  Kustomization: resource('Kustomization', (o) =>
    o.status?.lastAppliedRevision ? `applied revision ${o.status.lastAppliedRevision}` : undefined,
  ),
  HelmRelease: resource('HelmRelease', (o) => {
    const rev = o.status?.history?.[0]?.chartVersion ?? o.status?.lastAttemptedRevision;
    return `applied revision ${rev ?? ''}`;
  }),
  Alert: resource('Alert', undefined, true),
  Provider: resource('Provider', undefined, true),
  Receiver: resource('Receiver', (o) => `generated webhook URL ${o.status?.webhookPath ?? ''}`),
  ImageRepository: image('ImageRepository'),
  ImagePolicy: image('ImagePolicy'),
  ImageUpdateAutomation: image('ImageUpdateAutomation'),
};

/** SECRET_WORDS names the Secret in flux's `create secret <type>` line: `► git secret 'x' created in 'ns' namespace`. */
const SECRET_WORDS: Record<string, string> = { notation: 'notation configuration' };

/**
 * applyCreated is the `create` commands' apply step without `--export`: a server-side dry-run of every object first
 * (so bad input creates nothing), then server-side apply with the `flux` field manager, then a wait for each
 * reconciled object to become Ready. Progress goes to stderr with flux's wording; on a terminal a spinner runs while
 * waiting. The whole run, waits included, is bounded by `--timeout`.
 */
export function makeApplyCreated(out: Output = processOutput()): ApplyFn {
  return async (objects: KubeObject[], options: ApplyOptions): Promise<void> => {
    const log = new Logger(out);
    const timeoutMs = Number(options.timeoutNs / 1_000_000n);
    const deadline = Date.now() + timeoutMs;
    const client = connect({
      kubeconfig: options.kubeconfig,
      context: options.context,
      namespace: options.namespace,
      timeoutMs,
    });
    if (options.command?.[0] === 'tenant') {
      try {
        await bounded(deadline, 'applying the tenant', applyTenant(client, objects, log));
      } catch (err) {
        throw explainClusterError(err);
      }
      return;
    }
    const placed = objects.map((obj) => withNamespace(obj, options.namespace));
    try {
      await bounded(deadline, 'validating the objects', validate(client, placed, options.namespace));
      const command = options.command ?? [];
      if (command[0] === 'secret' || placed.every((o) => o.kind === 'Secret')) {
        await bounded(deadline, 'applying the Secret', applyAll(client, placed));
        const words = SECRET_WORDS[command[1] ?? ''] ?? command[1] ?? 'generic';
        for (const obj of placed)
          log.action(`${words} secret '${nameOf(obj)}' created in '${options.namespace}' namespace`);
        return;
      }
      await applyAndWait(client, placed, log, deadline);
    } catch (err) {
      throw explainClusterError(err);
    }
  };
}

/** applyCreated writes to the process streams. */
export const applyCreated: ApplyFn = (objects, options) => makeApplyCreated()(objects, options);

const TENANT_WORDS: Record<string, string> = {
  Namespace: 'namespace',
  ServiceAccount: 'service account',
  RoleBinding: 'role binding',
};

/**
 * applyTenant applies a tenant's objects in flux's order with its lines. Namespaces are dry-run first (the other
 * objects live in them, so they can only be checked once the namespaces exist); a RoleBinding whose roleRef
 * changed is deleted and created again, as flux does (roleRef is immutable).
 */
async function applyTenant(client: KubeClient, objects: KubeObject[], log: Logger): Promise<void> {
  for (const obj of objects.filter((o) => o.kind === 'Namespace')) {
    try {
      await client.apply(obj as unknown as Reconciled, { fieldManager: 'flux', force: true, dryRun: true });
    } catch (err) {
      if (!(err instanceof KubeApiError)) throw err;
      throw new CreateApplyError(`Namespace/${nameOf(obj)} validation failed: ${errorMessage(err)}`, {
        cause: err,
        hint: 'nothing was created; check --with-namespace and --label',
      });
    }
  }
  for (const obj of objects) {
    log.action(`applying ${TENANT_WORDS[obj.kind] ?? obj.kind} ${nameOf(obj)}`);
    if (obj.kind === 'RoleBinding') {
      const type = { apiVersion: obj.apiVersion, kind: obj.kind };
      const live = await client.get<KubeResource>(type, keyOf(obj)).catch((err: unknown) => {
        if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
        throw err;
      });
      if (live && JSON.stringify((live as Record<string, unknown>)['roleRef']) !== JSON.stringify(obj['roleRef'])) {
        await client.delete(type, keyOf(obj));
      }
    }
    await client.apply(obj as unknown as Reconciled, { fieldManager: 'flux', force: true });
  }
  log.success('tenant setup completed');
}

async function validate(client: KubeClient, placed: KubeObject[], namespace: string): Promise<void> {
  for (const obj of placed) {
    try {
      await client.apply(obj as unknown as Reconciled, { fieldManager: 'flux', force: true, dryRun: true });
    } catch (err) {
      if (!(err instanceof KubeApiError)) throw err;
      throw new CreateApplyError(`${obj.kind}/${namespace}/${nameOf(obj)} validation failed: ${errorMessage(err)}`, {
        cause: err,
        hint: 'nothing was created; check the flags, and that the Flux CRDs are installed (fluxts install)',
      });
    }
  }
}

async function applyAll(client: KubeClient, placed: KubeObject[]): Promise<void> {
  for (const obj of placed) await client.apply(obj as unknown as Reconciled, { fieldManager: 'flux', force: true });
}

async function applyAndWait(client: KubeClient, placed: KubeObject[], log: Logger, deadline: number): Promise<void> {
  const main = placed.filter((o) => o.kind !== 'Secret');
  const secrets = placed.filter((o) => o.kind === 'Secret');
  for (const obj of main) {
    const words = WORDING[obj.kind] ?? resource(obj.kind);
    if (words.generate) log.generate(`generating ${words.label}`);
    if (secrets.length > 0) {
      log.action(words.secretLine ?? 'applying secret with repository credentials');
      await bounded(deadline, 'applying the Secret', applyAll(client, secrets));
      log.success('authentication configured');
      secrets.length = 0;
    }
    log.action(`applying ${words.label}`);
    const existed = await bounded(deadline, `applying ${obj.kind}`, exists(client, obj));
    await bounded(deadline, `applying ${obj.kind}`, applyAll(client, [obj]));
    log.success(`${words.created} ${existed ? 'updated' : 'created'}`);
    const waitMsg = `waiting for ${words.label} reconciliation`;
    log.waiting(waitMsg);
    const isStatic = words.static === true || (obj.kind === 'HelmRepository' && isOciHelmRepository(obj));
    const ready = await log.spin(waitMsg, waitReady(client, obj, deadline, isStatic));
    log.success(words.ready(nameOf(obj)));
    if (obj.kind === 'HelmRepository' && isStatic) continue;
    const after = words.after?.(ready);
    if (after !== undefined) log.success(after);
  }
}

function isOciHelmRepository(obj: KubeObject): boolean {
  return (obj['spec'] as Record<string, unknown> | undefined)?.['type'] === 'oci';
}

async function exists(client: KubeClient, obj: KubeObject): Promise<boolean> {
  try {
    await client.get<Reconciled>({ apiVersion: obj.apiVersion, kind: obj.kind }, keyOf(obj));
    return true;
  } catch (err) {
    if (err instanceof KubeApiError && err.statusCode === 404) return false;
    throw err;
  }
}

/** bounded rejects with a timeout error when `work` outlasts the deadline (the request itself is abandoned). */
async function bounded<T>(
  deadline: number,
  what: string,
  work: Promise<T>,
  timedOut: () => Error = () =>
    new CreateApplyError(`${what}: timed out`, { hint: 'check the cluster is reachable, or raise --timeout' }),
): Promise<T> {
  const ac = new AbortController();
  const timer = sleep(Math.max(0, deadline - Date.now()), undefined, { signal: ac.signal }).then(() => {
    throw timedOut();
  });
  try {
    return await Promise.race([work, timer]);
  } finally {
    ac.abort();
    timer.catch(() => undefined);
  }
}

function withNamespace(obj: KubeObject, namespace: string): KubeObject {
  const metadata = (obj['metadata'] ?? {}) as Record<string, unknown>;
  return { ...obj, metadata: { ...metadata, namespace: metadata['namespace'] ?? namespace } } as unknown as KubeObject;
}

function nameOf(obj: KubeObject): string {
  const name = (obj['metadata'] as Record<string, unknown> | undefined)?.['name'];
  return typeof name === 'string' ? name : '';
}

function keyOf(obj: KubeObject): { name: string; namespace: string } {
  const namespace = (obj['metadata'] as Record<string, unknown>)['namespace'];
  return { name: nameOf(obj), namespace: typeof namespace === 'string' ? namespace : '' };
}

async function waitReady(
  client: KubeClient,
  obj: KubeObject,
  deadline: number,
  isStatic: boolean,
): Promise<Reconciled> {
  const key = keyOf(obj);
  const type = { apiVersion: obj.apiVersion, kind: obj.kind };
  let last: Condition | undefined;
  const notReady = (): CreateApplyError =>
    new CreateApplyError(
      `${obj.kind}/${key.namespace}/${key.name} not Ready before the timeout${last?.message ? `: ${last.message}` : ''}`,
      { hint: 'check the controllers are running (fluxts check), or raise --timeout' },
    );
  for (;;) {
    const live = await bounded(deadline, '', client.get<Reconciled>(type, key), notReady);
    if (isStatic) return live;
    const ready = live.status?.conditions?.find((c) => c.type === 'Ready');
    const current = live.status?.observedGeneration === live.metadata.generation;
    if (ready?.status === 'True' && current) return live;
    if (ready?.status === 'False' && current && !/progressing|dependency/i.test(ready.reason ?? '')) {
      throw new CreateApplyError(
        `${obj.kind}/${key.namespace}/${key.name} reconciliation failed: ${ready.message ?? ready.reason ?? ''}`,
        { hint: `see the object's events with: fluxts events --for ${obj.kind}/${key.name} -n ${key.namespace}` },
      );
    }
    last = ready;
    const left = deadline - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(pollIntervalMs(), left));
  }
  throw notReady();
}
