// The flags of controllers that apply to remote clusters from `spec.kubeConfig` Secrets (kustomize-controller and
// helm-controller share them, with fluxcd/pkg runtime/client's names and help).
import { Option } from 'commander';

/** remoteKubeConfigFlags are `--insecure-kubeconfig-exec` and `--insecure-kubeconfig-tls`. */
export function remoteKubeConfigFlags(): Option[] {
  return [
    new Option(
      '--insecure-kubeconfig-exec',
      'Allow use of the user.exec section in kubeconfigs provided for remote apply.',
    ),
    new Option(
      '--insecure-kubeconfig-tls',
      'Allow that kubeconfigs provided for remote apply can disable TLS verification.',
    ),
  ];
}
