// `create secret git`: a Secret with Git credentials (basic auth or bearer token, optional CA) for HTTP/S.
import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { addCommonFlags, CreateInputError, oneOf } from './common.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import { parseGoUrl } from './gourl.ts';
import { readCredentialFile, secretObject } from './secret-common.ts';
import { rsaBits } from './source-git.ts';

/** buildGitSecret builds the Secret `flux create secret git` would print for an HTTP/S URL. */
export async function buildGitSecret(
  name: string,
  common: CommonFlags,
  o: Record<string, unknown>,
): Promise<KubeObject[]> {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  if (o['sshKeyAlgorithm'] !== undefined)
    oneOf('ssh-key-algorithm', str('sshKeyAlgorithm'), ['rsa', 'ecdsa', 'ed25519']);
  if (o['sshEcdsaCurve'] !== undefined) oneOf('ssh-ecdsa-curve', str('sshEcdsaCurve'), ['p256', 'p384', 'p521']);
  if (o['sshRsaBits'] !== undefined) rsaBits(str('sshRsaBits'));
  const url = str('url');
  if (url === '') throw new CreateInputError('url is required: set --url, e.g. --url=https://github.com/org/repo');
  const parsed = parseGoUrl(url);
  if ('error' in parsed) throw new CreateInputError(`git URL parse failed: ${parsed.error}`);
  const labelsCheck = secretObject(name, common, {}); // validates --label before anything else is read
  void labelsCheck;
  const [username, password, token] = [str('username'), str('password'), str('bearerToken')];
  if (parsed.scheme === 'ssh') {
    throw new CreateInputError(
      'SSH Git secrets are not supported by fluxts yet (they need an SSH host key scan): use an https URL, or create the Secret with the flux CLI',
    );
  }
  if (parsed.scheme !== 'http' && parsed.scheme !== 'https') {
    throw new CreateInputError(`git URL scheme '${parsed.scheme}' not supported, can be: ssh, http and https`);
  }
  if ((username === '' || password === '') && token === '') {
    throw new CreateInputError(
      'for Git over HTTP/S the username and password, or a bearer token is required: set -u/-p or --bearer-token',
    );
  }
  if (username !== '' && password !== '' && token !== '') {
    throw new CreateInputError(
      'user credentials and bearer token cannot be used together: pass either -u/-p or --bearer-token',
    );
  }
  const data: Record<string, string> = {};
  if (username !== '' && password !== '') {
    data['username'] = username;
    data['password'] = password;
  }
  if (token !== '') data['bearerToken'] = token;
  if (str('caCrtFile')) {
    const ca = await readCredentialFile(str('caCrtFile'), 'unable to read TLS CA file');
    if (ca !== '') data['ca.crt'] = ca;
  }
  return [secretObject(name, common, data)];
}

/** registerSecretGit adds `create secret git`. */
export function registerSecretGit(secret: Command, deps: CreateDeps): void {
  const cmd = secret
    .command('git')
    .argument('[name]', 'name of the Secret')
    .description('Create or update a Kubernetes secret for Git authentication')
    .option('--url <url>', 'git address, e.g. https://github.com/org/repository')
    .option('-u, --username <username>', 'basic authentication username')
    .option('-p, --password <password>', 'basic authentication password')
    .option('--ssh-key-algorithm <alg>', 'SSH public key algorithm (rsa|ecdsa|ed25519)')
    .option('--ssh-rsa-bits <bits>', 'SSH RSA public key bit size (multiples of 8, min 1024)')
    .option('--ssh-ecdsa-curve <curve>', 'SSH ECDSA public key curve (p256|p384|p521)')
    .option('--ca-crt-file <path>', 'path to a TLS CA certificate file for self-signed servers')
    .option('--private-key-file <path>', 'path to a passwordless private key file for the Git SSH server')
    .option('--bearer-token <token>', 'bearer authentication token');
  addCommonFlags(cmd)
    .addHelpText(
      'after',
      `
Examples:
  # Print a Secret with basic-auth credentials for an HTTPS Git server
  fluxts create secret git app-auth --url=https://git.example.com/team/app -u git -p "$GIT_TOKEN" --export

  # A bearer token, and the CA of a self-signed server
  fluxts create secret git app-auth --url=https://git.example.com/team/app --bearer-token="$TOKEN" \\
    --ca-crt-file=./ca.crt --export`,
    )
    .action(createAction(deps, buildGitSecret, 'secret'));
}
