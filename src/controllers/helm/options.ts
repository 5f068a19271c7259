/** HelmControllerOptions are the helm-controller's own flags. */
export interface HelmControllerOptions {
  /** noCrossNamespaceRefs is `--no-cross-namespace-refs`. */
  noCrossNamespaceRefs?: boolean;
  /** defaultServiceAccount is `--default-service-account`: impersonated when spec.serviceAccountName is empty. */
  defaultServiceAccount?: string;
  /** insecureKubeconfigExec is `--insecure-kubeconfig-exec`: a spec.kubeConfig Secret may run an exec plugin. */
  insecureKubeconfigExec?: boolean;
  /** insecureKubeconfigTls is `--insecure-kubeconfig-tls`: a spec.kubeConfig Secret may skip TLS verification. */
  insecureKubeconfigTls?: boolean;
  /** workDir is the parent of the per-reconcile work directories (chart downloads). */
  workDir?: string;
}
