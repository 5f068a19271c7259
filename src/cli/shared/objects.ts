// Reading and patching the Flux object a command names, with errors that say which object and how to fix it.
import { isNotFound, type KubeClient, type KubeObject } from '../../kube/index.ts';
import { CliInputError } from './errors.ts';
import { type CliKind, conditionsOf } from './kinds.ts';

/** getObject reads one object; a missing one is a one-line error naming kind, namespace and name. */
export async function getObject(client: KubeClient, kind: CliKind, namespace: string, name: string) {
  try {
    return await client.get<KubeObject>(kind, { namespace, name });
  } catch (err) {
    if (isNotFound(err)) {
      throw new CliInputError(`${kind.kind} '${namespace}/${name}' not found`, {
        cause: err,
        hint: `list them with: fluxts get ${kind.group ? `${kind.group}s ` : ''}${kind.getWord} -n ${namespace}`,
      });
    }
    throw err;
  }
}

/** requireName fails when neither a name nor `--all` was given. */
export function requireName(name: string | undefined, all: boolean, kind: CliKind): void {
  if (!name && !all) {
    throw new CliInputError(`${kind.kind} name is required`, { hint: 'pass the object name, or --all' });
  }
  if (name && all) throw new CliInputError(`pass either a ${kind.kind} name or --all, not both`);
}

/** ReadyState is the outcome of a reconcile as the CLI waits for it. */
export type ReadyState = { done: false } | { done: true; ready: boolean; message: string };

/**
 * readyState approximates kstatus for Flux objects: done once the controller observed the current generation,
 * Ready is True or False and no Reconciling condition is True.
 */
export function readyState(obj: KubeObject): ReadyState {
  const conditions = conditionsOf(obj);
  const status = (obj.status ?? {}) as { observedGeneration?: number };
  const observed = status.observedGeneration ?? -1;
  if (obj.metadata.generation !== undefined && observed < obj.metadata.generation) return { done: false };
  if (conditions.some((c) => c.type === 'Reconciling' && c.status === 'True')) return { done: false };
  const ready = conditions.find((c) => c.type === 'Ready');
  if (!ready || (ready.status !== 'True' && ready.status !== 'False')) return { done: false };
  return { done: true, ready: ready.status === 'True', message: ready.message ?? '' };
}

/** revisionMessage is the success line flux prints after a reconcile: fetched for sources, applied otherwise. */
export function revisionMessage(kind: CliKind, obj: KubeObject): string | undefined {
  const status = (obj.status ?? {}) as Record<string, unknown>;
  if (kind.group === 'source') {
    const rev = (status['artifact'] as { revision?: string } | undefined)?.revision;
    return rev ? `fetched revision ${rev}` : undefined;
  }
  const applied = status['lastAppliedRevision'] ?? status['lastAttemptedRevision'];
  return typeof applied === 'string' && applied ? `applied revision ${applied}` : undefined;
}
