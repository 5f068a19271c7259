/** KustomizeControllerOptions are the kustomize-controller's own flags (flux-api.md §8.1, §8.2). */
export interface KustomizeControllerOptions {
  /** noCrossNamespaceRefs is `--no-cross-namespace-refs`: sources and dependencies must be in the same namespace. */
  noCrossNamespaceRefs?: boolean;
  /** noRemoteBases is `--no-remote-bases`: refuse kustomize resources fetched over the network. */
  noRemoteBases?: boolean;
  /** defaultServiceAccount is `--default-service-account`: impersonated when spec.serviceAccountName is empty. */
  defaultServiceAccount?: string;
  /**
   * defaultKubeConfigServiceAccount is `--default-kubeconfig-service-account`: the ServiceAccount whose token is used
   * for a `spec.kubeConfig.configMapRef` whose ConfigMap names no `serviceAccountName`.
   */
  defaultKubeConfigServiceAccount?: string;
  /** concurrentSsa is `--concurrent-ssa` (default 4): parallel dry-runs of one apply. */
  concurrentSsa?: number;
  /** overrideManagers is `--override-manager`: field managers whose changes are always reverted. */
  overrideManagers?: string[];
  /** customApplyStageKinds is `--custom-apply-stage-kinds` (`group/Kind`). */
  customApplyStageKinds?: string[];
  /** healthCheckIntervalMs is the poll period of health checks (Flux: 5s). */
  healthCheckIntervalMs?: number;
  /** insecureKubeconfigExec is `--insecure-kubeconfig-exec`: kubeconfig Secrets may run exec plugins. */
  insecureKubeconfigExec?: boolean;
  /** insecureKubeconfigTls is `--insecure-kubeconfig-tls`: kubeconfig Secrets may skip TLS verification. */
  insecureKubeconfigTls?: boolean;
  /** workDir is the parent of the temporary artifact directories (OS temp dir by default). */
  workDir?: string;
}

/** remoteKubeConfigPolicy is what a `spec.kubeConfig` Secret may do under these options. */
export function remoteKubeConfigPolicy(opts: KustomizeControllerOptions): {
  allowExec: boolean;
  allowInsecureTls: boolean;
} {
  return { allowExec: opts.insecureKubeconfigExec ?? false, allowInsecureTls: opts.insecureKubeconfigTls ?? false };
}
