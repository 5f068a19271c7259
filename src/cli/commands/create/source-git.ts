// `create source git`: a GitRepository (source.toolkit.fluxcd.io/v1).
import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError, duration, objectMeta, oneOf, ref } from './common.ts';
import { addCommonFlags, boolArg, sliceArg } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import type { YamlValue } from './yaml-value.ts';
import { parseGoUrl } from './gourl.ts';
import { readCredentialFile, secretObject } from './secret-common.ts';

const PROVIDERS = ['generic', 'github', 'aws', 'azure'] as const;

/** buildGitRepository builds the GitRepository `flux create source git` would create. */
export async function buildGitRepository(
  name: string,
  common: CommonFlags,
  o: Record<string, unknown>,
): Promise<KubeObject[]> {
  const url = (o['url'] as string | undefined) ?? '';
  if (url === '') throw new CreateInputError('url is required: set --url, e.g. --url=https://github.com/org/repo');
  const parsed = parseGoUrl(url);
  if ('error' in parsed) throw new CreateInputError(`git URL parse failed: ${parsed.error}`);
  if (!['ssh', 'http', 'https'].includes(parsed.scheme)) {
    throw new CreateInputError(`git URL scheme '${parsed.scheme}' not supported, can be: ssh, http and https`);
  }
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  const [branch, tag, semver, commit, refName] = [
    str('branch'),
    str('tag'),
    str('tagSemver'),
    str('commit'),
    str('refName'),
  ];
  if (!branch && !tag && !semver && !commit && !refName) {
    throw new CreateInputError(
      'a Git ref is required, use one of the following: --branch, --tag, --commit, --ref-name or --tag-semver',
    );
  }
  if (str('caFile') !== '' && parsed.scheme === 'ssh') {
    throw new CreateInputError(
      'specifying a CA file is not supported for Git over SSH: use an https URL or drop --ca-file',
    );
  }
  if (o['sshKeyAlgorithm'] !== undefined)
    oneOf('ssh-key-algorithm', str('sshKeyAlgorithm'), ['rsa', 'ecdsa', 'ed25519']);
  if (o['sshEcdsaCurve'] !== undefined) oneOf('ssh-ecdsa-curve', str('sshEcdsaCurve'), ['p256', 'p384', 'p521']);
  if (o['sshRsaBits'] !== undefined) rsaBits(str('sshRsaBits'));
  const provider = o['provider'] === undefined ? '' : oneOf('provider', str('provider'), PROVIDERS);
  const meta = objectMeta(name, common);

  const reference: { [key: string]: YamlValue } = {};
  if (commit) {
    reference['commit'] = commit;
    if (branch) reference['branch'] = branch;
  } else if (refName) reference['name'] = refName;
  else if (semver) reference['semver'] = semver;
  else if (tag) reference['tag'] = tag;
  else reference['branch'] = branch;

  const spec: { [key: string]: YamlValue } = { interval: duration(common.interval), ref: reference, url };
  const ignore = (o['ignorePaths'] as string[] | undefined) ?? [];
  if (ignore.length > 0) spec['ignore'] = ignore.join('\n');
  const sparse = (o['sparseCheckoutPaths'] as string[] | undefined) ?? [];
  if (sparse.length > 0) spec['sparseCheckout'] = sparse;
  if (o['recurseSubmodules'] === true) spec['recurseSubmodules'] = true;
  if (common.fetchTimeout !== undefined && common.fetchTimeout > 0n) spec['timeout'] = duration(common.fetchTimeout);
  if (str('secretRef')) spec['secretRef'] = ref(str('secretRef'));
  if (str('proxySecretRef')) spec['proxySecretRef'] = ref(str('proxySecretRef'));
  if (provider) spec['provider'] = provider;
  const repo: KubeObject = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: meta, spec };
  if (common.export || str('secretRef') || parsed.scheme === 'ssh') return [repo];
  // Applying (not exporting), flux first creates a Secret `<name>` from -u/-p and --ca-file and points secretRef at it.
  // For ssh:// URLs flux generates a deploy key and asks for confirmation; that interactive flow is not built here.
  const data: Record<string, string> = {};
  if (str('username') !== '' && str('password') !== '') {
    data['username'] = str('username');
    data['password'] = str('password');
  }
  if (parsed.scheme === 'https' && str('caFile')) {
    const ca = await readCredentialFile(str('caFile'), 'unable to read TLS CA file');
    if (ca !== '') data['ca.crt'] = ca;
  }
  if (Object.keys(data).length === 0) return [repo];
  spec['secretRef'] = ref(name);
  return [secretObject(name, common, data, { labels: false }), repo];
}

/** rsaBits validates `--ssh-rsa-bits` like flux: a multiple of 8, at least 1024. */
export function rsaBits(value: string): number {
  if (value.trim() === '') return 2048;
  if (!/^[-+]?\d+$/.test(value))
    throw new CreateInputError(`--ssh-rsa-bits '${value}' is not a number: use e.g. 2048 or 4096`);
  const bits = Number(value);
  if (bits < 1024) throw new CreateInputError('RSA key bit size must be at least 1024: use e.g. --ssh-rsa-bits=2048');
  if (bits % 8 !== 0)
    throw new CreateInputError('RSA key bit size must be a multiples of 8: use e.g. --ssh-rsa-bits=2048');
  return bits;
}

/** registerSourceGit adds `create source git`. */
export function registerSourceGit(source: Command, deps: CreateDeps): void {
  const cmd = source
    .command('git')
    .argument('[name]', 'name of the GitRepository')
    .description('Create or update a GitRepository source')
    .option('--url <url>', 'git address, e.g. ssh://git@host/org/repository')
    .option('--branch <branch>', 'git branch')
    .option('--tag <tag>', 'git tag')
    .option('--tag-semver <range>', 'git tag semver range')
    .option('--ref-name <ref>', 'git reference name')
    .option('--commit <sha>', 'git commit')
    .option('-u, --username <username>', 'basic authentication username')
    .option('-p, --password <password>', 'basic authentication password')
    .option('--ssh-key-algorithm <alg>', 'SSH public key algorithm (rsa|ecdsa|ed25519)')
    .option('--ssh-rsa-bits <bits>', 'SSH RSA public key bit size (multiples of 8, min 1024)')
    .option('--ssh-ecdsa-curve <curve>', 'SSH ECDSA public key curve (p256|p384|p521)')
    .option('--secret-ref <name>', 'the name of an existing secret containing SSH or basic credentials')
    .option('--proxy-secret-ref <name>', 'the name of an existing secret containing the proxy address and credentials')
    .option('--provider <name>', 'the Git provider name (generic|github|aws|azure)')
    .option('--ca-file <path>', 'path to TLS CA file used for validating self-signed certificates')
    .option('--private-key-file <path>', 'path to a passwordless private key file for the Git SSH server')
    .option('--recurse-submodules [bool]', 'include Git submodules in the artifact', boolArg)
    .option('-s, --silent [bool]', 'assume the deploy key is already set up, skip confirmation', boolArg)
    .option('--ignore-paths <paths>', 'paths to ignore in the repository (comma-separated, repeatable)', sliceArg)
    .option('--sparse-checkout-paths <paths>', 'paths to check out sparsely (comma-separated, repeatable)', sliceArg);
  addCommonFlags(cmd, { source: true })
    .addHelpText(
      'after',
      `
Examples:
  # Print a GitRepository that follows the main branch of a public repository
  fluxts create source git app --url=https://github.com/example/app --branch=main --export

  # Follow the newest tag in a semver range, checking every 5 minutes
  fluxts create source git app --url=https://github.com/example/app --tag-semver=">=1.0.0 <2.0.0" --interval=5m --export

  # Use credentials from an existing Secret and ignore the docs folder
  fluxts create source git app --url=ssh://git@github.com/example/app --branch=main \\
    --secret-ref=app-deploy-key --ignore-paths=docs/ --export`,
    )
    .action(createAction(deps, buildGitRepository));
}
