/**
 * The versions of the local control plane, pinned in one place. Changing a version here makes the next
 * `fluxts cluster start` (or `npm test`) build the new binaries into their own cache directory.
 */
export const CONTROL_PLANE_VERSIONS = {
  /** kube-apiserver and kube-controller-manager, from the `k8s.io/kubernetes` module. */
  kubernetes: 'v1.37.2',
  /** etcd, from the `go.etcd.io/etcd/server/v3` module. */
  etcd: 'v3.6.16',
} as const;

/** stagingVersion maps a Kubernetes version (v1.37.2) to its published staging modules' version (v0.37.2). */
export function stagingVersion(kubernetesVersion: string): string {
  const match = /^v1\.(\d+)\.(\d+)$/.exec(kubernetesVersion);
  if (!match) throw new Error(`unsupported Kubernetes version ${kubernetesVersion}: expected v1.MINOR.PATCH`);
  return `v0.${match[1]}.${match[2]}`;
}
