// The clusters one UI shows: chosen contexts of one kubeconfig (or of several, `--kubeconfig a:b` merged as
// kubectl merges $KUBECONFIG), each a client of its own named after its context.
import { KubeClient, KubeConfig } from '../kube/index.ts';
import { FluxtsError } from '../util/errors.ts';
import type { UiCluster } from './cache.ts';

/** UiClusterError: a named context does not exist, or the kubeconfig has none. */
export class UiClusterError extends FluxtsError {}

function withContext(kc: KubeConfig, name: string): KubeConfig {
  const copy = new KubeConfig();
  copy.clusters = kc.clusters;
  copy.users = kc.users;
  copy.contexts = kc.contexts;
  copy.setCurrentContext(name);
  return copy;
}

/**
 * clustersFromKubeConfig returns one UiCluster per context: `contexts` names them, `all` takes every context of
 * the kubeconfig, and neither means the current context only.
 */
export function clustersFromKubeConfig(kc: KubeConfig, opts: { contexts?: string[]; all?: boolean } = {}): UiCluster[] {
  const names = opts.all
    ? kc.getContexts().map((c) => c.name)
    : opts.contexts && opts.contexts.length > 0
      ? opts.contexts
      : [kc.currentContext];
  if (names.length === 0 || names.some((n) => !n)) {
    throw new UiClusterError('the kubeconfig has no current context', { hint: 'pass --context NAME' });
  }
  for (const name of names) {
    if (!kc.getContextObject(name)) {
      throw new UiClusterError(`context "${name}" is not in the kubeconfig`, {
        hint: `contexts: ${kc
          .getContexts()
          .map((c) => c.name)
          .join(', ')}`,
      });
    }
  }
  return [...new Set(names)].map((name) => ({ name, client: new KubeClient(withContext(kc, name)) }));
}
