import { GitBadSecretError } from './errors.ts';

/**
 * GitCredentials is what a GitRepository's `spec.secretRef` Secret can carry, decoded: HTTPS basic auth
 * (`username`/`password`) or `bearerToken`, `ca.crt`, client `tls.crt`/`tls.key`; SSH `identity`
 * (+ optional `password` for an encrypted key) and `known_hosts`.
 */
export interface GitCredentials {
  username?: string;
  password?: string;
  bearerToken?: string;
  caCert?: string;
  tlsCert?: string;
  tlsKey?: string;
  identity?: string;
  identityPassphrase?: string;
  knownHosts?: string;
}

/** GitProxy is `spec.proxySecretRef` decoded: `address` (http, https or socks5 URL), optional credentials. */
export interface GitProxy {
  address: string;
  username?: string;
  password?: string;
}

type SecretData = Record<string, string | Uint8Array | undefined>;

function text(data: SecretData, key: string): string | undefined {
  const v = data[key];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : Buffer.from(v).toString('utf8');
}

/**
 * credentialsFromSecret validates a Secret's decoded data for a URL scheme and returns GitCredentials, or throws
 * GitBadSecretError naming the Secret and the missing or malformed key (never a value).
 * @example credentialsFromSecret('ns/git-auth', secret.data, 'https:')
 */
export function credentialsFromSecret(secretName: string, data: SecretData, protocol: string): GitCredentials {
  const bad = (what: string): GitBadSecretError =>
    new GitBadSecretError(`Secret ${secretName} is invalid: ${what}`, {
      hint: 'see the GitRepository docs for the keys each kind of authentication needs',
    });
  const c: GitCredentials = {};
  const assign = <K extends keyof GitCredentials>(k: K, key: string): void => {
    const v = text(data, key);
    if (v !== undefined) c[k] = v;
  };
  assign('username', 'username');
  assign('password', 'password');
  assign('bearerToken', 'bearerToken');
  assign('caCert', 'ca.crt');
  if (c.caCert === undefined) assign('caCert', 'caFile');
  assign('tlsCert', 'tls.crt');
  assign('tlsKey', 'tls.key');
  assign('identity', 'identity');
  assign('knownHosts', 'known_hosts');
  if (protocol === 'ssh:') {
    if (c.identity === undefined) throw bad("SSH authentication needs the 'identity' key");
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/u.test(c.identity)) throw bad("'identity' is not a PEM private key");
    if (c.knownHosts === undefined || c.knownHosts.trim() === '') throw bad("SSH needs the 'known_hosts' key");
    c.identityPassphrase = c.password;
    delete c.password;
    delete c.username;
    return c;
  }
  if (c.bearerToken !== undefined && (c.username !== undefined || c.password !== undefined)) {
    throw bad("'bearerToken' cannot be combined with 'username'/'password'");
  }
  if (c.username !== undefined && c.password === undefined) throw bad("'username' is set but 'password' is missing");
  if (c.password !== undefined && c.username === undefined) throw bad("'password' is set but 'username' is missing");
  if ((c.tlsCert === undefined) !== (c.tlsKey === undefined)) throw bad("'tls.crt' and 'tls.key' must both be set");
  if (c.caCert !== undefined && !c.caCert.includes('-----BEGIN CERTIFICATE-----')) {
    throw bad("'ca.crt' is not a PEM certificate");
  }
  for (const v of [c.username, c.password, c.bearerToken]) {
    if (v !== undefined && /[\r\n\0]/u.test(v)) throw bad('credentials contain a line break or NUL');
  }
  return c;
}

/** proxyFromSecret validates `spec.proxySecretRef` data. */
export function proxyFromSecret(secretName: string, data: SecretData): GitProxy {
  const address = text(data, 'address');
  if (address === undefined || address === '') {
    throw new GitBadSecretError(`Secret ${secretName} is invalid: the proxy needs the 'address' key`);
  }
  try {
    const u = new URL(address);
    if (!['http:', 'https:', 'socks5:'].includes(u.protocol)) throw new Error(u.protocol);
  } catch (cause) {
    throw new GitBadSecretError(`Secret ${secretName} is invalid: 'address' is not an http, https or socks5 URL`, {
      cause,
    });
  }
  const p: GitProxy = { address };
  const u = text(data, 'username');
  const pw = text(data, 'password');
  if (u !== undefined) p.username = u;
  if (pw !== undefined) p.password = pw;
  return p;
}
