// The credentials of a bootstrap, in two uses: what the CLI itself clones and pushes with, and the Secret the
// cluster's GitRepository reads (flux's sourcesecret layout: `username`/`password` or `bearerToken` and `ca.crt`
// over HTTP/S; `identity`, `identity.pub`, `known_hosts` over SSH). A deploy key is generated only when the Secret
// does not exist yet, so a re-run keeps the key the repository already trusts.
import { readFile } from 'node:fs/promises';

import type { GitCredentials } from '../../../fetchers/git/index.ts';
import type { KubeObject } from '../../../kube/index.ts';
import { generateKeyPair, loadKeyPair, scanHostKey } from '../../commands/create/index.ts';
import { CliInputError } from '../errors.ts';

/** GitAuthFlags are bootstrap git's authentication flags. */
export interface GitAuthFlags {
  username: string;
  password?: string;
  withBearerToken?: boolean;
  allowInsecureHttp?: boolean;
  caFile?: string;
  privateKeyFile?: string;
  sshKeyAlgorithm: string;
  /**
   * generateDeployKey: a fresh key of --ssh-key-algorithm becomes the deploy key (set when that flag is given);
   * otherwise the --private-key-file the CLI pushes with is the deploy key too, as flux does without an ssh-agent.
   */
  generateDeployKey: boolean;
  sshRsaBits: number;
  sshEcdsaCurve: string;
  sshHostname?: string;
}

/** RepoAccess is how the CLI reaches the repository, and the URL the GitRepository gets (no userinfo password). */
export interface RepoAccess {
  scheme: 'ssh' | 'http' | 'https';
  syncUrl: string;
  /** host is host:port, for the SSH host key scan. */
  host: string;
  credentials: GitCredentials;
}

async function readFlagFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new CliInputError(`cannot read ${flag} ${path} (${code})`, { cause: err });
  }
}

/**
 * repoAccess validates the URL and the auth flags and loads what the CLI needs; nothing touches the network but
 * the SSH host key scan (the CLI trusts the key it sees first, as flux does).
 */
export async function repoAccess(rawUrl: string, f: GitAuthFlags): Promise<RepoAccess> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch (cause) {
    throw new CliInputError('--url is not a valid URL', { cause, hint: 'e.g. --url=ssh://git@example.com/org/repo' });
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'ssh' && scheme !== 'http' && scheme !== 'https') {
    throw new CliInputError(`scheme ${scheme} is not supported`, { hint: 'use an ssh://, https:// or http:// URL' });
  }
  if (scheme === 'http' && f.allowInsecureHttp !== true) {
    throw new CliInputError('scheme http is insecure, pass --allow-insecure-http=true to allow it');
  }
  if (scheme === 'ssh') {
    if (f.privateKeyFile === undefined) {
      throw new CliInputError('--private-key-file is required for an ssh:// URL: the key the CLI pushes with', {
        hint: 'the same key becomes the cluster deploy key unless you leave it to bootstrap to generate one',
      });
    }
    const key = await loadKeyPair(f.privateKeyFile, f.password ?? '');
    const knownHosts = await scanHostKey(url.host);
    return {
      scheme,
      syncUrl: url.toString(),
      host: url.host,
      credentials: { identity: key.privateKey, identityPassphrase: f.password ?? '', knownHosts },
    };
  }
  const password = f.password ?? (url.password !== '' ? decodeURIComponent(url.password) : undefined);
  if (password === undefined || password === '') {
    throw new CliInputError(`a password or token is required for ${scheme}:// (-p/--password)`, {
      hint: 'with --with-bearer-token the password is sent as a bearer token',
    });
  }
  const credentials: GitCredentials = f.withBearerToken
    ? { bearerToken: password }
    : { username: url.username !== '' ? decodeURIComponent(url.username) : f.username, password };
  if (f.caFile !== undefined) credentials.caCert = await readFlagFile(f.caFile, '--ca-file');
  url.username = '';
  url.password = '';
  return { scheme, syncUrl: url.toString(), host: url.host, credentials };
}

/** SourceSecret is the Secret to apply and, for a generated deploy key, its public half to show the user. */
export interface SourceSecret {
  secret: KubeObject;
  generatedPublicKey?: string;
}

/** sourceSecret builds the GitRepository's Secret from the access (and the flags' deploy-key choice). */
export async function sourceSecret(
  name: string,
  namespace: string,
  access: RepoAccess,
  f: GitAuthFlags,
): Promise<SourceSecret> {
  const c = access.credentials;
  const data: Record<string, string> = {};
  let generatedPublicKey: string | undefined;
  if (access.scheme === 'ssh') {
    if (f.privateKeyFile !== undefined && !f.generateDeployKey) {
      const key = await loadKeyPair(f.privateKeyFile, f.password ?? '');
      data['identity'] = key.privateKey;
      data['identity.pub'] = key.publicKey;
      if (f.password) data['password'] = f.password;
    } else {
      const key = generateKeyPair(f.sshKeyAlgorithm, f.sshRsaBits, f.sshEcdsaCurve);
      data['identity'] = key.privateKey;
      data['identity.pub'] = key.publicKey;
      generatedPublicKey = key.publicKey.trim();
    }
    data['known_hosts'] = f.sshHostname ? await scanHostKey(f.sshHostname) : (c.knownHosts ?? '');
  } else if (c.bearerToken !== undefined) {
    data['bearerToken'] = c.bearerToken;
  } else {
    data['username'] = c.username ?? '';
    data['password'] = c.password ?? '';
  }
  if (c.caCert !== undefined) data['ca.crt'] = c.caCert;
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    stringData: data,
  };
  return generatedPublicKey === undefined ? { secret } : { secret, generatedPublicKey };
}
