// `create secret git`: a Secret with Git credentials: basic auth or bearer token (optional CA) for HTTP/S, or an SSH
// key pair and the server's host key for ssh:// URLs.
import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError, oneOf } from './common.ts';
import { addCommonFlags } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import { parseGoUrl } from './gourl.ts';
import { readCredentialFile, secretObject } from './secret-common.ts';
import { rsaBits } from './source-git.ts';
import { generateKeyPair, loadKeyPair, scanHostKey } from './ssh-keys.ts';

/** buildGitSecret builds the Secret `flux create secret git` would print (basic auth, bearer token or SSH keys). */
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
  if (parsed.scheme === 'ssh') return [await sshSecret(name, common, parsed.host, o)];
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

/** sshSecret builds the SSH variant: identity, identity.pub, known_hosts (and the key's password when given). */
async function sshSecret(
  name: string,
  common: CommonFlags,
  host: string,
  o: Record<string, unknown>,
): Promise<KubeObject> {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  const password = str('password');
  // flux ignores --username for ssh:// URLs; --password is the key's passphrase and is stored with it.
  const keypair = str('privateKeyFile')
    ? await loadKeyPair(str('privateKeyFile'), password)
    : generateKeyPair(
        o['sshKeyAlgorithm'] === undefined ? 'ecdsa' : str('sshKeyAlgorithm'),
        o['sshRsaBits'] === undefined ? 2048 : rsaBits(str('sshRsaBits')),
        o['sshEcdsaCurve'] === undefined ? 'p384' : str('sshEcdsaCurve'),
      );
  const hostKey = await scanHostKey(host);
  const data: Record<string, string> = {
    identity: keypair.privateKey,
    'identity.pub': keypair.publicKey,
    known_hosts: hostKey,
  };
  if (password !== '') data['password'] = password;
  return secretObject(name, common, data);
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
