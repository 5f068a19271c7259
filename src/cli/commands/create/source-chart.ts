// `create source chart`: a HelmChart (source.toolkit.fluxcd.io/v1).
import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError, duration, objectMeta, oneOf, parseKindName, ref } from './common.ts';
import { addCommonFlags } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import type { YamlValue } from './yaml-value.ts';

const SOURCE_KINDS = ['HelmRepository', 'GitRepository', 'Bucket'] as const;

/** buildHelmChart builds the HelmChart `flux create source chart` would create. */
export function buildHelmChart(name: string, common: CommonFlags, o: Record<string, unknown>): KubeObject[] {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  let source = { kind: '', name: '' };
  if (o['source'] !== undefined) {
    if (str('source').trim() === '')
      throw new CreateInputError(
        "--source is empty: use '<kind>/<name>', kind HelmRepository, GitRepository or Bucket",
      );
    const { kind, name: srcName } = parseKindName(str('source'));
    if (kind === '' || srcName === '')
      throw new CreateInputError(`invalid helm chart source '${str('source')}', must be in format <kind>/<name>`);
    const clean = SOURCE_KINDS.find((k) => k.toLowerCase() === kind.toLowerCase());
    if (!clean)
      throw new CreateInputError(`source kind '${kind}' is not supported, must be one of: ${SOURCE_KINDS.join(', ')}`);
    source = { kind: clean, name: srcName };
  }
  const verifyProvider =
    o['verifyProvider'] === undefined ? '' : oneOf('verify-provider', str('verifyProvider'), ['cosign']);
  if (source.kind === '' || source.name === '')
    throw new CreateInputError('chart source is required: set --source, e.g. --source=HelmRepository/charts');
  if (str('chart') === '') throw new CreateInputError('chart name or path is required: set --chart');
  const meta = objectMeta(name, common);
  const spec: { [key: string]: YamlValue } = {
    chart: str('chart'),
    interval: duration(common.interval),
    sourceRef: { kind: source.kind, name: source.name },
  };
  if (str('chartVersion')) spec['version'] = str('chartVersion');
  if (str('reconcileStrategy')) spec['reconcileStrategy'] = str('reconcileStrategy');
  if (verifyProvider) {
    const verify: { [key: string]: YamlValue } = { provider: verifyProvider };
    if (str('verifySecretRef')) verify['secretRef'] = ref(str('verifySecretRef'));
    if (str('verifyIssuer') || str('verifySubject'))
      verify['matchOIDCIdentity'] = [{ issuer: str('verifyIssuer'), subject: str('verifySubject') }];
    spec['verify'] = verify;
  } else if (str('verifySecretRef')) {
    throw new CreateInputError(
      'a verification provider must be specified when a secret is specified: add --verify-provider=cosign',
    );
  } else if (str('verifyIssuer')) {
    // flux checks --verify-issuer here (its --verify-subject check reads another command's flag, so never fires).
    throw new CreateInputError(
      'a verification provider must be specified when OIDC issuer/subject is specified: add --verify-provider=cosign',
    );
  }
  return [{ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', metadata: meta, spec }];
}

/** registerSourceChart adds `create source chart`. */
export function registerSourceChart(source: Command, deps: CreateDeps): void {
  const cmd = source
    .command('chart')
    .argument('[name]', 'name of the HelmChart')
    .description('Create or update a HelmChart source')
    .option('--chart <name>', 'Helm chart name or path')
    .option('--chart-version <range>', 'Helm chart version, accepts a semver range')
    .option('--source <ref>', "the chart's source, '<kind>/<name>', kind HelmRepository, GitRepository or Bucket")
    .option('--reconcile-strategy <strategy>', 'when to rebuild the chart: ChartVersion or Revision', 'ChartVersion')
    .option('--verify-provider <name>', 'the provider used for signature verification (cosign)')
    .option('--verify-secret-ref <name>', 'the name of a secret to use for signature verification')
    .option('--verify-subject <regex>', 'regular expression for the OIDC subject during signature verification')
    .option('--verify-issuer <regex>', 'regular expression for the OIDC issuer during signature verification');
  addCommonFlags(cmd, { source: true })
    .addHelpText(
      'after',
      `
Examples:
  # Print a HelmChart for the chart "web" of the HelmRepository "charts"
  fluxts create source chart web --source=HelmRepository/charts --chart=web --chart-version="1.x" --export

  # A chart from a path in a GitRepository, rebuilt on every new revision
  fluxts create source chart web --source=GitRepository/app --chart=./charts/web --reconcile-strategy=Revision --export`,
    )
    .action(createAction(deps, buildHelmChart));
}
