// `create kustomization` (alias `ks`): a Kustomization (kustomize.toolkit.fluxcd.io/v1).
import { posix } from 'node:path';

import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError, dependsOn, duration, objectMeta, oneOf, parseKindNameNamespace, ref } from './common.ts';
import { addCommonFlags, boolArg, durationArg, sliceArg } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import type { YamlValue } from './yaml-value.ts';

const SOURCE_KINDS = ['OCIRepository', 'GitRepository', 'Bucket'] as const;
const HEALTH_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'HelmRelease']);

/** parseKustomizationSource reads `[<kind>/]<name>[.<namespace>]`; the kind defaults to GitRepository. */
export function parseKustomizationSource(value: string): { kind: string; name: string; namespace: string } {
  if (value.trim() === '') {
    throw new CreateInputError(
      "--source is empty: use '[<kind>/]<name>[.<namespace>]' with kind OCIRepository, GitRepository or Bucket",
    );
  }
  const { kind, name, namespace } = parseKindNameNamespace(value);
  if (name === '') throw new CreateInputError(`no name given for source of kind '${kind}': use --source=<kind>/<name>`);
  let sourceKind = kind;
  if (sourceKind === '') {
    if ((SOURCE_KINDS as readonly string[]).includes(name)) {
      throw new CreateInputError(`no kind specified for source '${name}': use --source=<kind>/<name>`);
    }
    sourceKind = 'GitRepository';
  }
  const clean = SOURCE_KINDS.find((k) => k.toLowerCase() === sourceKind.toLowerCase());
  if (!clean) {
    throw new CreateInputError(
      `source kind '${sourceKind}' is not supported, must be one of: ${SOURCE_KINDS.join(', ')}`,
    );
  }
  return { kind: clean, name, namespace };
}

/** safeRelativePath cleans a path like flux's SafeRelativePath: never above the root, always starting with `./`. */
export function safeRelativePath(value: string): string {
  const cleaned = posix
    .normalize('/' + value.trim())
    .replace(/^\/+/, '')
    .replace(/\/+$/, '');
  return cleaned === '' || cleaned === '.' ? './' : `./${cleaned}`;
}

/** buildKustomization builds the Kustomization `flux create kustomization` would create. */
export function buildKustomization(name: string, common: CommonFlags, o: Record<string, unknown>): KubeObject[] {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  const source = o['source'] === undefined ? undefined : parseKustomizationSource(str('source'));
  if (o['decryptionProvider'] !== undefined) oneOf('decryption-provider', str('decryptionProvider'), ['sops']);
  const path = o['path'] === undefined ? './' : safeRelativePath(str('path'));
  if (!source) throw new CreateInputError('source is required: set --source, e.g. --source=GitRepository/app');
  const meta = objectMeta(name, common);
  const sourceRef: { [key: string]: YamlValue } = { kind: source.kind, name: source.name };
  if (source.namespace) sourceRef['namespace'] = source.namespace;
  const spec: { [key: string]: YamlValue } = {
    interval: duration(common.interval),
    path,
    prune: o['prune'] === true,
    sourceRef,
  };
  if (str('targetNamespace')) spec['targetNamespace'] = str('targetNamespace');
  const deps = (o['dependsOn'] as string[] | undefined) ?? [];
  if (deps.length > 0) spec['dependsOn'] = dependsOn(deps);
  if (str('kubeconfigSecretRef')) spec['kubeConfig'] = { secretRef: ref(str('kubeconfigSecretRef')) };
  const healthTimeout = (o['healthCheckTimeout'] as bigint | undefined) ?? 120_000_000_000n;
  const checks = (o['healthCheck'] as string[] | undefined) ?? [];
  const wait = o['wait'] === true;
  if (checks.length > 0 && !wait) {
    spec['healthChecks'] = checks.map((check) => {
      const kindObj = check.split('/');
      if (kindObj.length !== 2) {
        throw new CreateInputError(`invalid health check '${check}' must be in the format 'kind/name.namespace'`);
      }
      const [kind = '', nameNs = ''] = kindObj;
      if (!HEALTH_KINDS.has(kind)) {
        throw new CreateInputError(
          `invalid health check kind '${kind}' can be HelmRelease, Deployment, DaemonSet or StatefulSet`,
        );
      }
      const parts = nameNs.split('.');
      if (parts.length !== 2) {
        throw new CreateInputError(`invalid health check '${check}' must be in the format 'kind/name.namespace'`);
      }
      const ref: { [key: string]: YamlValue } = { kind, name: parts[0] ?? '', namespace: parts[1] ?? '' };
      if (kind === 'HelmRelease') ref['apiVersion'] = 'helm.toolkit.fluxcd.io/v2';
      return ref;
    });
    spec['timeout'] = duration(healthTimeout);
  }
  if (wait) {
    spec['wait'] = true;
    spec['timeout'] = duration(healthTimeout);
  }
  if (str('serviceAccount')) spec['serviceAccountName'] = str('serviceAccount');
  if (str('decryptionProvider')) {
    const decryption: { [key: string]: YamlValue } = { provider: str('decryptionProvider') };
    if (str('decryptionSecret')) decryption['secretRef'] = ref(str('decryptionSecret'));
    spec['decryption'] = decryption;
  }
  const retry = o['retryInterval'] as bigint | undefined;
  if (retry !== undefined && retry > 0n) spec['retryInterval'] = duration(retry);
  return [{ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: meta, spec }];
}

/** deprecationNotice is the line flux (cobra) prints on stdout when the deprecated `--validation` is used. */
function deprecationNotice(opts: Record<string, unknown>): string {
  return opts['validation'] === undefined
    ? ''
    : 'Flag --validation has been deprecated, this arg is no longer used, all resources are validated using server-side apply dry-run\n';
}

/** registerKustomization adds `create kustomization` (alias `ks`). */
export function registerKustomization(create: Command, deps: CreateDeps): void {
  const cmd = create
    .command('kustomization')
    .alias('ks')
    .argument('[name]', 'name of the Kustomization')
    .description('Create or update a Kustomization resource')
    .option(
      '--source <ref>',
      "the source, '[<kind>/]<name>[.<namespace>]', kind OCIRepository, GitRepository (default) or Bucket",
    )
    .option('--path <path>', 'path to the directory containing a kustomization.yaml file', './')
    .option('--prune [bool]', 'enable garbage collection', boolArg)
    .option('--wait [bool]', 'enable health checking of all the applied resources', boolArg)
    .option(
      '--health-check <refs>',
      "workloads to health check, '<kind>/<name>.<namespace>' (comma-separated, repeatable)",
      sliceArg,
    )
    .option('--health-check-timeout <duration>', 'timeout of health checking operations (default 2m0s)', durationArg)
    .option('--validation <mode>', 'deprecated and ignored: resources are validated by server-side apply dry-run')
    .option(
      '--depends-on <refs>',
      "Kustomizations that must be ready first, '<name>' or '<namespace>/<name>' (comma-separated)",
      sliceArg,
    )
    .option('--service-account <name>', 'the service account to impersonate when reconciling')
    .option('--decryption-provider <name>', 'decryption provider (sops)')
    .option('--decryption-secret <name>', 'the Secret with the keys used for sops decryption')
    .option('--target-namespace <namespace>', 'overrides the namespace of all objects reconciled by this Kustomization')
    .option('--kubeconfig-secret-ref <name>', 'the Secret with the kubeconfig of a remote cluster')
    .option('--retry-interval <duration>', 'the interval at which to retry a failed reconciliation', durationArg);
  addCommonFlags(cmd)
    .addHelpText(
      'after',
      `
Examples:
  # Print a Kustomization that applies ./deploy from the GitRepository "app" and prunes what is removed
  fluxts create kustomization app --source=GitRepository/app --path=./deploy --prune=true --export

  # Wait for everything to be healthy, after the "infra" Kustomization is ready
  fluxts create ks app --source=app --path=./deploy --wait --depends-on=infra --health-check-timeout=3m --export

  # Apply from an OCIRepository in another namespace, decrypting SOPS secrets
  fluxts create ks app --source=OCIRepository/app.flux-system --path=./ --decryption-provider=sops \\
    --decryption-secret=sops-age --export`,
    )
    .action(createAction(deps, buildKustomization, 'object', deprecationNotice));
}
