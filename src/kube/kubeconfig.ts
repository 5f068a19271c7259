import { KubeConfig } from '@kubernetes/client-node';

/**
 * loadKubeConfig loads credentials the way Flux controllers do: the `--kubeconfig` file when given, else
 * `$KUBECONFIG`/`~/.kube/config`, else the in-cluster service account (client-node's loadFromDefault order).
 */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}
