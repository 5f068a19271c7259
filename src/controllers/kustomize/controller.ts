// The kustomize-controller's descriptor (controllers/registry.ts): its flags, install pieces and how it starts.
import { Option } from 'commander';

import type { ControllerDescriptor, FlagValues } from '../registry.ts';
import { remoteKubeConfigFlags } from '../remote-flags.ts';
import type { KustomizeControllerOptions } from './options.ts';

/** KustomizeFlags are the kustomize-controller's own flags, as commander names them. */
interface KustomizeFlags {
  /** False when `--no-cross-namespace-refs` is given (commander names a `--no-` flag after what it negates). */
  crossNamespaceRefs?: boolean;
  /** False when `--no-remote-bases` is given. */
  remoteBases?: boolean;
  defaultServiceAccount?: string;
  defaultKubeconfigServiceAccount?: string;
  concurrentSsa?: number;
  overrideManager?: string[];
  customApplyStageKinds?: string;
  insecureKubeconfigExec?: boolean;
  insecureKubeconfigTls?: boolean;
}

function flags(): Option[] {
  return [
    // No default: commander gives a lone `--no-x` flag the default true for `x`, which is Flux's default (allowed).
    new Option(
      '--no-cross-namespace-refs',
      'When set, references between objects are only allowed within one namespace.',
    ),
    new Option('--no-remote-bases', 'Disallow remote bases usage in Kustomize overlays.'),
    new Option('--default-service-account <name>', 'Default service account used for impersonation.').default(''),
    new Option(
      '--default-kubeconfig-service-account <name>',
      'Default service account used for spec.kubeConfig.configMapRef when the ConfigMap names none.',
    ).default(''),
    new Option('--concurrent-ssa <n>', 'The number of concurrent server-side apply operations.')
      .argParser((v) => Number.parseInt(v, 10))
      .default(4),
    new Option('--override-manager <name...>', 'Field managers whose changes are reverted by the controller.').default(
      [],
    ),
    new Option(
      '--custom-apply-stage-kinds <kinds>',
      'A comma-separated list of GroupKind (e.g. rbac.authorization.k8s.io/Role) applied in a stage of their own ' +
        'after CRDs and before the other namespaced resources.',
    ).default(''),
    ...remoteKubeConfigFlags(),
  ];
}

/** kustomizeOptions turns the parsed flags into the controller's options. */
export function kustomizeOptions(values: FlagValues): KustomizeControllerOptions {
  const f = values as KustomizeFlags;
  const stageKinds = (f.customApplyStageKinds ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return {
    noCrossNamespaceRefs: f.crossNamespaceRefs === false,
    noRemoteBases: f.remoteBases === false,
    ...(f.defaultServiceAccount ? { defaultServiceAccount: f.defaultServiceAccount } : {}),
    ...(f.defaultKubeconfigServiceAccount
      ? { defaultKubeConfigServiceAccount: f.defaultKubeconfigServiceAccount }
      : {}),
    ...(f.concurrentSsa ? { concurrentSsa: f.concurrentSsa } : {}),
    ...(f.overrideManager?.length ? { overrideManagers: f.overrideManager } : {}),
    ...(stageKinds.length > 0 ? { customApplyStageKinds: stageKinds } : {}),
    insecureKubeconfigExec: f.insecureKubeconfigExec === true,
    insecureKubeconfigTls: f.insecureKubeconfigTls === true,
  };
}

/** kustomizeControllerDescriptor: Kustomizations from any source kind, applied with server-side apply. */
export const kustomizeControllerDescriptor: ControllerDescriptor = {
  name: 'kustomize-controller',
  kinds: ['Kustomization'],
  flags,
  rbac: { clusterAdmin: true },
  install: { default: true },
  run: async (values) => {
    const { kustomizeController } = await import('./setup.ts');
    return { setups: [kustomizeController(kustomizeOptions(values))], close: () => Promise.resolve() };
  },
};
