/** HelmControllerOptions are the helm-controller's own flags. */
export interface HelmControllerOptions {
  /** noCrossNamespaceRefs is `--no-cross-namespace-refs`. */
  noCrossNamespaceRefs?: boolean;
  /** defaultServiceAccount is `--default-service-account` (impersonation; not used yet). */
  defaultServiceAccount?: string;
  /** workDir is the parent of the per-reconcile work directories (chart downloads). */
  workDir?: string;
}
