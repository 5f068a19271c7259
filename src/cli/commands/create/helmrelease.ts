// `create helmrelease` (alias `hr`): a HelmRelease (helm.toolkit.fluxcd.io/v2).
import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import {
  CreateInputError,
  dependsOn,
  duration,
  objectMeta,
  oneOf,
  parseKindName,
  parseKindNameNamespace,
  ref,
} from './common.ts';
import { addCommonFlags, boolArg, durationArg, sliceArg } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import type { YamlValue } from './yaml-value.ts';
import { readValuesFiles } from './values.ts';

const CHART_SOURCE_KINDS = ['HelmRepository', 'GitRepository', 'Bucket'] as const;
const CHART_REF_KINDS = ['OCIRepository', 'HelmChart'] as const;
const VALUES_FROM_KINDS = ['Secret', 'ConfigMap'] as const;

function parseChartSource(value: string): { kind: string; name: string; namespace: string } {
  if (value.trim() === '') {
    throw new CreateInputError(
      "--source is empty: use '<kind>/<name>[.<namespace>]' with kind HelmRepository, GitRepository or Bucket",
    );
  }
  const { kind, name, namespace } = parseKindNameNamespace(value);
  if (kind === '' || name === '')
    throw new CreateInputError(`invalid helm chart source '${value}', must be in format <kind>/<name>`);
  const clean = CHART_SOURCE_KINDS.find((k) => k.toLowerCase() === kind.toLowerCase());
  if (!clean)
    throw new CreateInputError(
      `source kind '${kind}' is not supported, must be one of: ${CHART_SOURCE_KINDS.join(', ')}`,
    );
  return { kind: clean, name, namespace };
}

/** buildHelmRelease builds the HelmRelease `flux create helmrelease` would create. */
export async function buildHelmRelease(
  name: string,
  common: CommonFlags,
  o: Record<string, unknown>,
): Promise<KubeObject[]> {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  const source = o['source'] === undefined ? { kind: '', name: '', namespace: '' } : parseChartSource(str('source'));
  const crds = o['crds'] === undefined ? '' : oneOf('crds', str('crds'), ['Skip', 'Create', 'CreateReplace']);
  const targetNamespace = str('targetNamespace');
  const storageNamespace = str('storageNamespace') || targetNamespace;
  const chart = str('chart');
  const chartRef = str('chartRef');
  if (chart === '' && chartRef === '')
    throw new CreateInputError('chart or chart-ref is required: set --chart (with --source) or --chart-ref');
  if (chart !== '' && chartRef !== '')
    throw new CreateInputError('cannot use --chart in combination with --chart-ref: pick one');
  const meta = objectMeta(name, common);
  const strategy = str('reconcileStrategy');
  if (strategy !== 'Revision' && strategy !== 'ChartVersion') {
    throw new CreateInputError(`'${strategy}' is an invalid reconcile strategy(valid: Revision, ChartVersion)`);
  }
  const spec: { [key: string]: YamlValue } = { interval: duration(common.interval) };
  if (str('releaseName')) spec['releaseName'] = str('releaseName');
  if (targetNamespace) spec['targetNamespace'] = targetNamespace;
  if (storageNamespace) spec['storageNamespace'] = storageNamespace;
  const deps = (o['dependsOn'] as string[] | undefined) ?? [];
  if (deps.length > 0) spec['dependsOn'] = dependsOn(deps);
  if (chart !== '') {
    // kind is omitempty in HelmChartTemplateSpec's sourceRef, name is not.
    const sourceRef: { [key: string]: YamlValue } = { name: source.name };
    if (source.kind) sourceRef['kind'] = source.kind;
    if (source.namespace) sourceRef['namespace'] = source.namespace;
    const chartSpec: { [key: string]: YamlValue } = { chart, reconcileStrategy: strategy, sourceRef };
    if (str('chartVersion')) chartSpec['version'] = str('chartVersion');
    const chartInterval = o['chartInterval'] as bigint | undefined;
    if (chartInterval !== undefined && chartInterval !== 0n) chartSpec['interval'] = duration(chartInterval);
    spec['chart'] = { spec: chartSpec };
  } else {
    const { kind, name: refName, namespace } = parseKindNameNamespace(chartRef);
    if (!(CHART_REF_KINDS as readonly string[]).includes(kind)) {
      throw new CreateInputError(
        `chart reference kind '${kind}' is not supported, must be one of: ${CHART_REF_KINDS.join(', ')}`,
      );
    }
    const r: { [key: string]: YamlValue } = { kind, name: refName };
    if (namespace) r['namespace'] = namespace;
    spec['chartRef'] = r;
  }
  if (str('kubeconfigSecretRef')) spec['kubeConfig'] = { secretRef: ref(str('kubeconfigSecretRef')) };
  const install: { [key: string]: YamlValue } = {};
  if (o['createTargetNamespace'] === true) install['createNamespace'] = true;
  if (str('serviceAccount')) spec['serviceAccountName'] = str('serviceAccount');
  if (crds) {
    install['crds'] = 'Create';
    spec['upgrade'] = { crds };
  }
  if (Object.keys(install).length > 0) spec['install'] = install;
  const valuesFiles = (o['values'] as string[] | undefined) ?? [];
  if (valuesFiles.length > 0) spec['values'] = await readValuesFiles(valuesFiles);
  const valuesFrom = (o['valuesFrom'] as string[] | undefined) ?? [];
  if (valuesFrom.length > 0) {
    spec['valuesFrom'] = valuesFrom.map((value) => {
      const { kind, name: refName } = parseKindName(value);
      if (kind === '')
        throw new CreateInputError(`invalid Kubernetes object reference '${value}', must be in format <kind>/<name>`);
      const clean = VALUES_FROM_KINDS.find((k) => k.toLowerCase() === kind.toLowerCase());
      if (!clean)
        throw new CreateInputError(
          `reference kind '${kind}' is not supported, must be one of: ${VALUES_FROM_KINDS.join(', ')}`,
        );
      return { kind: clean, name: refName };
    });
  }
  return [{ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: meta, spec }];
}

/** registerHelmRelease adds `create helmrelease` (alias `hr`). */
export function registerHelmRelease(create: Command, deps: CreateDeps): void {
  const cmd = create
    .command('helmrelease')
    .alias('hr')
    .argument('[name]', 'name of the HelmRelease')
    .description('Create or update a HelmRelease resource')
    .option('--release-name <name>', "name of the Helm release, defaults to '[<target-namespace>-]<HelmRelease-name>'")
    .option(
      '--source <ref>',
      "source of the chart, '<kind>/<name>[.<namespace>]', kind HelmRepository, GitRepository or Bucket",
    )
    .option('--chart <name>', 'Helm chart name or path')
    .option('--chart-version <range>', 'Helm chart version, accepts a semver range')
    .option('--chart-ref <ref>', "a chart reference, '<kind>/<name>[.<namespace>]', kind OCIRepository or HelmChart")
    .option(
      '--depends-on <refs>',
      "HelmReleases that must be ready first, '<name>' or '<namespace>/<name>' (comma-separated)",
      sliceArg,
    )
    .option(
      '--target-namespace <namespace>',
      'namespace to install the release in, defaults to the HelmRelease namespace',
    )
    .option(
      '--storage-namespace <namespace>',
      'namespace to store the Helm release in, defaults to the target namespace',
    )
    .option('--create-target-namespace [bool]', 'create the target namespace if it does not exist', boolArg)
    .option('--service-account <name>', 'the service account to impersonate when reconciling')
    .option('--reconcile-strategy <strategy>', 'when to rebuild the chart: ChartVersion or Revision', 'ChartVersion')
    .option('--chart-interval <duration>', 'how often to check for new chart versions', durationArg)
    .option('--values <files>', 'local values.yaml files, merged in order (comma-separated, repeatable)', sliceArg)
    .option(
      '--values-from <refs>',
      "objects with a values.yaml key, '<kind>/<name>', kind Secret or ConfigMap",
      sliceArg,
    )
    .option('--crds <policy>', 'upgrade CRDs policy (Skip|Create|CreateReplace)')
    .option('--kubeconfig-secret-ref <name>', 'the Secret with the kubeconfig of a remote cluster');
  addCommonFlags(cmd)
    .addHelpText(
      'after',
      `
Examples:
  # Print a HelmRelease for the chart "web" from the HelmRepository "charts"
  fluxts create helmrelease web --source=HelmRepository/charts --chart=web --chart-version=">=1.0.0" --export

  # Install into another namespace (created if missing) with values from a local file
  fluxts create hr web --source=HelmRepository/charts --chart=web --target-namespace=web \\
    --create-target-namespace --values=./values.yaml --export

  # Use a chart published as an OCI artifact, values from a ConfigMap
  fluxts create hr web --chart-ref=OCIRepository/web-chart --values-from=ConfigMap/web-values --export`,
    )
    .action(createAction(deps, buildHelmRelease));
}
