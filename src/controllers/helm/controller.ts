// The helm-controller's descriptor (controllers/registry.ts): its flags, install pieces and how it starts.
import { Option } from 'commander';

import type { ControllerDescriptor, FlagValues } from '../registry.ts';
import { remoteKubeConfigFlags } from '../remote-flags.ts';
import type { HelmControllerOptions } from './options.ts';

interface HelmFlags {
  /** False when `--no-cross-namespace-refs` is given. */
  crossNamespaceRefs?: boolean;
  defaultServiceAccount?: string;
  insecureKubeconfigExec?: boolean;
  insecureKubeconfigTls?: boolean;
}

function flags(): Option[] {
  return [
    new Option(
      '--no-cross-namespace-refs',
      'When set, references between objects are only allowed within one namespace.',
    ),
    new Option('--default-service-account <name>', 'Default service account used for impersonation.').default(''),
    ...remoteKubeConfigFlags(),
  ];
}

/** helmOptions turns the parsed flags into the controller's options. */
export function helmOptions(values: FlagValues): HelmControllerOptions {
  const f = values as HelmFlags;
  return {
    noCrossNamespaceRefs: f.crossNamespaceRefs === false,
    ...(f.defaultServiceAccount ? { defaultServiceAccount: f.defaultServiceAccount } : {}),
    ...(f.insecureKubeconfigExec ? { insecureKubeconfigExec: true } : {}),
    ...(f.insecureKubeconfigTls ? { insecureKubeconfigTls: true } : {}),
  };
}

/** helmControllerDescriptor: HelmReleases; applies arbitrary objects, so it is bound to cluster-admin. */
export const helmControllerDescriptor: ControllerDescriptor = {
  name: 'helm-controller',
  kinds: ['HelmRelease'],
  flags,
  rbac: { clusterAdmin: true },
  install: { default: true, terminationGracePeriodSeconds: 600 },
  run: async (values) => {
    const { helmController } = await import('./setup.ts');
    return { setups: [helmController(helmOptions(values))], close: () => Promise.resolve() };
  },
};
