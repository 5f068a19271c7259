// The actions a person can take from the UI, as `flux reconcile|suspend|resume` do them: a merge patch of the
// reconcile.fluxcd.io/requestedAt annotation or of spec.suspend. The client passed in acts as the person (it
// impersonates them when the server is exposed), so Kubernetes RBAC decides; a refusal comes back as the API
// server's 403. The UI does not wait for the controller: the live overview shows the outcome.
import { type KubeClient, type KubeObject, KubeApiError } from '../kube/index.ts';
import { FluxtsError } from '../util/errors.ts';
import { uiKind, type UiKind } from './kinds.ts';
import { sourceRefOf } from './summary.ts';

/** Action is what the UI's buttons ask for. */
export type Action = 'reconcile' | 'reconcile-with-source' | 'suspend' | 'resume';

/** ACTIONS lists the valid actions, for request validation. */
export const ACTIONS: readonly Action[] = ['reconcile', 'reconcile-with-source', 'suspend', 'resume'];

/** ActionRefusedError is an action the kind does not support or the object's state forbids. */
export class ActionRefusedError extends FluxtsError {}

const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

/** requestToken is flux's token: the current time in RFC 3339 with nanosecond-style trailing zeros dropped. */
export function requestToken(now = new Date()): string {
  return now.toISOString().replace(/\.?0+Z$/, 'Z');
}

async function requestReconcile(client: KubeClient, kind: UiKind, namespace: string, name: string): Promise<void> {
  await client.patch(kind, { namespace, name }, 'merge', {
    metadata: { annotations: { [REQUESTED_AT]: requestToken() } },
  });
}

/**
 * runAction performs an action on an object as the given client's identity and says what it did. `obj` is the
 * cached object (for its spec: suspended state and source reference).
 */
export async function runAction(client: KubeClient, kind: UiKind, obj: KubeObject, action: Action): Promise<string> {
  const namespace = obj.metadata.namespace ?? '';
  const name = obj.metadata.name ?? '';
  const subject = `${kind.kind}/${namespace}/${name}`;
  const suspended = (obj.spec as { suspend?: boolean } | undefined)?.suspend === true;
  try {
    switch (action) {
      case 'reconcile':
      case 'reconcile-with-source': {
        if (!kind.reconcilable) throw new ActionRefusedError(`${subject}: a ${kind.kind} is not reconciled`);
        if (suspended) throw new ActionRefusedError(`${subject} is suspended: resume it first`);
        let done = '';
        if (action === 'reconcile-with-source') {
          const ref = sourceRefOf(obj);
          const srcKind = ref ? uiKind(ref.kind) : undefined;
          if (!ref || !srcKind) throw new ActionRefusedError(`${subject} has no source to reconcile`);
          await requestReconcile(client, srcKind, ref.namespace, ref.name);
          done = `reconcile requested for ${ref.kind}/${ref.namespace}/${ref.name} and `;
        }
        await requestReconcile(client, kind, namespace, name);
        return `${done}reconcile requested for ${subject}`;
      }
      case 'suspend':
        if (!kind.suspendable) throw new ActionRefusedError(`${subject}: a ${kind.kind} cannot be suspended`);
        await client.patch(kind, { namespace, name }, 'merge', { spec: { suspend: true } });
        return `${subject} suspended`;
      case 'resume':
        if (!kind.suspendable) throw new ActionRefusedError(`${subject}: a ${kind.kind} cannot be resumed`);
        // Resume also requests a reconcile so the controller acts at once, as flux does.
        await client.patch(kind, { namespace, name }, 'merge', {
          spec: { suspend: false },
          metadata: { annotations: { [REQUESTED_AT]: requestToken() } },
        });
        return `${subject} resumed`;
    }
  } catch (err) {
    if (err instanceof KubeApiError && err.statusCode === 403) {
      throw new ActionRefusedError(`${subject}: ${action} refused by the cluster's RBAC: ${err.message}`, {
        cause: err,
      });
    }
    throw err;
  }
}
