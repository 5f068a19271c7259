// `create source oci`: an OCIRepository (source.toolkit.fluxcd.io/v1).
import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError, duration, objectMeta, oneOf, ref } from './common.ts';
import { addCommonFlags, boolArg, sliceArg } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import type { YamlValue } from './yaml-value.ts';

const PROVIDERS = ['generic', 'aws', 'azure', 'gcp'] as const;

/** buildOCIRepository builds the OCIRepository `flux create source oci` would create. */
export function buildOCIRepository(name: string, common: CommonFlags, o: Record<string, unknown>): KubeObject[] {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  const provider = o['provider'] === undefined ? 'generic' : oneOf('provider', str('provider'), PROVIDERS);
  const verifyProvider =
    o['verifyProvider'] === undefined ? '' : oneOf('verify-provider', str('verifyProvider'), ['cosign']);
  const url = str('url');
  if (url === '') throw new CreateInputError('url is required: set --url, e.g. --url=oci://ghcr.io/org/manifests');
  if (!str('tagSemver') && !str('tag') && !str('digest')) {
    throw new CreateInputError('--tag, --tag-semver or --digest is required: say which artifact version to follow');
  }
  const layerSelector = parseLayerSelector(str('layerSelector'));
  const meta = objectMeta(name, common);
  const reference: { [key: string]: YamlValue } = {};
  if (str('digest')) reference['digest'] = str('digest');
  if (str('tagSemver')) reference['semver'] = str('tagSemver');
  if (str('tag')) reference['tag'] = str('tag');
  const spec: { [key: string]: YamlValue } = { interval: duration(common.interval), provider, ref: reference, url };
  if (o['insecure'] === true) spec['insecure'] = true;
  const ignore = (o['ignorePaths'] as string[] | undefined) ?? [];
  if (ignore.length > 0) spec['ignore'] = ignore.join('\n');
  if (layerSelector) spec['layerSelector'] = layerSelector;
  if (common.fetchTimeout !== undefined && common.fetchTimeout > 0n) spec['timeout'] = duration(common.fetchTimeout);
  if (str('serviceAccount')) spec['serviceAccountName'] = str('serviceAccount');
  if (str('secretRef')) spec['secretRef'] = ref(str('secretRef'));
  if (str('proxySecretRef')) spec['proxySecretRef'] = ref(str('proxySecretRef'));
  if (str('certRef')) spec['certSecretRef'] = ref(str('certRef'));
  if (verifyProvider) {
    const verify: { [key: string]: YamlValue } = { provider: verifyProvider };
    if (str('verifySecretRef')) verify['secretRef'] = ref(str('verifySecretRef'));
    if (str('verifyIssuer') || str('verifySubject')) {
      verify['matchOIDCIdentity'] = [{ issuer: str('verifyIssuer'), subject: str('verifySubject') }];
    }
    spec['verify'] = verify;
  } else if (str('verifySecretRef')) {
    throw new CreateInputError(
      'a verification provider must be specified when a secret is specified: add --verify-provider=cosign',
    );
  } else if (str('verifyIssuer') || str('verifySubject')) {
    throw new CreateInputError(
      'a verification provider must be specified when OIDC issuer/subject is specified: add --verify-provider=cosign',
    );
  }
  return [{ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: meta, spec }];
}

function parseLayerSelector(selector: string): { [key: string]: YamlValue } | undefined {
  if (selector === '') return undefined;
  const colon = selector.indexOf(':');
  const mediaType = colon === -1 ? '' : selector.slice(0, colon);
  const operation = colon === -1 ? '' : selector.slice(colon + 1);
  if (mediaType === '' || operation === '') {
    throw new CreateInputError(
      `invalid --layer-selector "${selector}": must be in the format '<media-type>:<operation>'`,
    );
  }
  if (operation !== 'extract' && operation !== 'copy') {
    throw new CreateInputError(`invalid --layer-selector "${selector}": operation must be "extract" or "copy"`);
  }
  return { mediaType, operation };
}

/** registerSourceOci adds `create source oci`. */
export function registerSourceOci(source: Command, deps: CreateDeps): void {
  const cmd = source
    .command('oci')
    .argument('[name]', 'name of the OCIRepository')
    .description('Create or update an OCIRepository source')
    .option('--url <url>', 'the OCI repository URL, e.g. oci://ghcr.io/org/manifests')
    .option('--tag <tag>', 'the OCI artifact tag')
    .option('--tag-semver <range>', 'the OCI artifact tag semver range')
    .option('--digest <digest>', 'the OCI artifact digest')
    .option('--provider <name>', 'the OCI provider name (generic|aws|azure|gcp)')
    .option('--secret-ref <name>', "the name of the image pull secret (type 'kubernetes.io/dockerconfigjson')")
    .option('--proxy-secret-ref <name>', 'the name of an existing secret containing the proxy address and credentials')
    .option('--service-account <name>', 'the name of the service account that refers to an image pull secret')
    .option('--cert-ref <name>', 'the name of a secret to use for TLS certificates')
    .option('--verify-provider <name>', 'the provider used for signature verification (cosign)')
    .option('--verify-secret-ref <name>', 'the name of a secret to use for signature verification')
    .option('--verify-subject <regex>', 'regular expression for the OIDC subject during signature verification')
    .option('--verify-issuer <regex>', 'regular expression for the OIDC issuer during signature verification')
    .option('--ignore-paths <paths>', 'paths to ignore (comma-separated, repeatable)', sliceArg)
    .option('--insecure [bool]', 'connect to a non-TLS registry over plain HTTP', boolArg)
    .option('--layer-selector <selector>', "the OCI artifact layer selector, '<media-type>:<operation>'");
  addCommonFlags(cmd, { source: true })
    .addHelpText(
      'after',
      `
Examples:
  # Print an OCIRepository that follows a tag
  fluxts create source oci app --url=oci://ghcr.io/example/app-manifests --tag=latest --export

  # Follow a semver range and verify cosign keyless signatures from GitHub Actions
  fluxts create source oci app --url=oci://ghcr.io/example/app-manifests --tag-semver="1.x" \\
    --verify-provider=cosign --verify-issuer="^https://token.actions.githubusercontent.com$" --export`,
    )
    .action(createAction(deps, buildOCIRepository));
}
