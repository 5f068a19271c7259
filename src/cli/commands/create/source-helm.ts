// `create source helm`: a HelmRepository (source.toolkit.fluxcd.io/v1).
import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError, duration, objectMeta, ref } from './common.ts';
import { addCommonFlags, boolArg } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import type { YamlValue } from './yaml-value.ts';
import { parseGoUrl } from './gourl.ts';
import { helmSecret } from './secret-helm.ts';
import { readTlsFiles } from './secret-tls-data.ts';

/** buildHelmRepository builds the HelmRepository `flux create source helm` would create. */
export async function buildHelmRepository(
  name: string,
  common: CommonFlags,
  o: Record<string, unknown>,
): Promise<KubeObject[]> {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  const url = str('url');
  if (url === '') throw new CreateInputError('url is required: set --url, e.g. --url=https://charts.example.com');
  const meta = objectMeta(name, common);
  const parsed = parseGoUrl(url);
  if ('error' in parsed) throw new CreateInputError(`url parse failed: ${parsed.error}`);
  if (!['http', 'https', 'oci'].includes(parsed.scheme)) {
    throw new CreateInputError(`url scheme '${parsed.scheme}' not supported, can be: http, https and oci`);
  }
  if (parsed.host === '') throw new CreateInputError('url host is required: use a URL like https://charts.example.com');
  const spec: { [key: string]: YamlValue } = { interval: duration(common.interval), url };
  if (parsed.scheme === 'oci') {
    spec['type'] = 'oci';
    if (str('ociProvider')) spec['provider'] = str('ociProvider');
  }
  if (common.fetchTimeout !== undefined && common.fetchTimeout > 0n) spec['timeout'] = duration(common.fetchTimeout);
  if (str('secretRef')) {
    spec['secretRef'] = ref(str('secretRef'));
    if (o['passCredentials'] === true) spec['passCredentials'] = true;
  }
  const repo: KubeObject = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: meta, spec };
  if (common.export || str('secretRef')) return [repo];
  // Applying (not exporting), flux first creates a Secret `helm-<name>` from the credentials and refers to it.
  const files = await readTlsFiles({ ca: str('caFile'), crt: '', key: '' });
  if (str('certFile') && str('keyFile')) {
    const pair = await readTlsFiles({ ca: '', crt: str('certFile'), key: str('keyFile') });
    files.crt = pair.crt;
    files.key = pair.key;
  }
  const secret = helmSecret(`helm-${name}`, common, str('username'), str('password'), files, false);
  if (!secret['stringData']) return [repo];
  spec['secretRef'] = ref(`helm-${name}`);
  if (o['passCredentials'] === true) spec['passCredentials'] = true;
  return [secret, repo];
}

/** registerSourceHelm adds `create source helm`. */
export function registerSourceHelm(source: Command, deps: CreateDeps): void {
  const cmd = source
    .command('helm')
    .argument('[name]', 'name of the HelmRepository')
    .description('Create or update a HelmRepository source')
    .option('--url <url>', 'Helm repository address (http, https or oci)')
    .option('-u, --username <username>', 'basic authentication username')
    .option('-p, --password <password>', 'basic authentication password')
    .option('--cert-file <path>', 'TLS authentication cert file path')
    .option('--key-file <path>', 'TLS authentication key file path')
    .option('--ca-file <path>', 'TLS authentication CA file path')
    .option(
      '--secret-ref <name>',
      'the name of an existing secret containing TLS, basic auth or docker-config credentials',
    )
    .option('--oci-provider <name>', 'OCI provider for authentication')
    .option('--pass-credentials [bool]', 'pass credentials to all domains', boolArg);
  addCommonFlags(cmd, { source: true })
    .addHelpText(
      'after',
      `
Examples:
  # Print a HelmRepository for a public chart repository
  fluxts create source helm charts --url=https://charts.example.com --export

  # An OCI chart registry, authenticated with an existing Secret
  fluxts create source helm charts --url=oci://ghcr.io/example/charts --secret-ref=ghcr-auth --export`,
    )
    .action(createAction(deps, buildHelmRepository));
}
