// Registry credentials: docker config JSON (`kubernetes.io/dockerconfigjson` and legacy `dockercfg` Secrets, the
// imagePullSecrets of a ServiceAccount) and explicit username/password, looked up per registry and repository
// the way the kubelet's keyring does it.
import { OCIError } from './errors.ts';
import { DOCKER_HUB } from './reference.ts';

/** RegistryCredentials is what the client can authenticate with. Never log or print it. */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** identityToken is an OAuth2 refresh token (docker config `identitytoken`). */
  identityToken?: string;
  /** registryToken is a bearer token sent as is (docker config `registrytoken`). */
  registryToken?: string;
}

/** Keychain finds the credentials for a repository, or undefined for anonymous access. */
export interface Keychain {
  resolve(registry: string, repository: string): RegistryCredentials | undefined;
}

export const anonymous: Keychain = { resolve: () => undefined };

/** staticKeychain answers with the same credentials for one registry (any registry when `registry` is '*'). */
export function staticKeychain(registry: string, creds: RegistryCredentials): Keychain {
  const want = normaliseHost(registry);
  return { resolve: (host) => (registry === '*' || normaliseHost(host) === want ? creds : undefined) };
}

/** Entry is one `auths` key of a docker config, split into a host pattern and an optional path prefix. */
interface Entry {
  host: string;
  path: string;
  creds: RegistryCredentials;
}

function normaliseHost(host: string): string {
  const h = host.toLowerCase();
  return h === 'docker.io' || h === 'registry-1.docker.io' ? DOCKER_HUB : h;
}

/** parseKey turns `https://index.docker.io/v1/`, `ghcr.io`, `*.example.com/team` into host + path prefix. */
function parseKey(key: string): { host: string; path: string } {
  let k = key.trim().replace(/^[a-z]+:\/\//iu, '');
  k = k.replace(/\/+$/u, '');
  const slash = k.indexOf('/');
  const host = normaliseHost(slash === -1 ? k : k.slice(0, slash));
  let path = slash === -1 ? '' : k.slice(slash + 1);
  if (host === DOCKER_HUB && (path === 'v1' || path === 'v2')) path = '';
  return { host, path };
}

function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.split('.');
  const h = host.split('.');
  if (p.length !== h.length) return false;
  return p.every((label, i) => {
    const want = h[i] ?? '';
    if (!label.includes('*')) return label === want;
    const re = new RegExp(
      `^${label
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/gu, '\\$&'))
        .join('[^.]*')}$`,
      'u',
    );
    return re.test(want);
  });
}

function credsOf(secret: string, key: string, v: unknown): RegistryCredentials {
  const bad = (why: string): OCIError =>
    new OCIError('bad-credentials', `invalid docker config in ${secret}: entry '${key}' ${why}`);
  if (typeof v !== 'object' || v === null) throw bad('is not an object');
  const o = v as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof o[k] === 'string' && o[k] !== '' ? o[k] : undefined);
  const c: RegistryCredentials = {};
  const auth = str('auth');
  if (auth !== undefined) {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) throw bad("has an 'auth' value that is not base64 of 'username:password'");
    c.username = decoded.slice(0, colon);
    c.password = decoded.slice(colon + 1);
  }
  const username = str('username');
  const password = str('password');
  if (username !== undefined) c.username = username;
  if (password !== undefined) c.password = password;
  const identityToken = str('identitytoken');
  const registryToken = str('registrytoken');
  if (identityToken !== undefined) c.identityToken = identityToken;
  if (registryToken !== undefined) c.registryToken = registryToken;
  return c;
}

/** DockerConfigKeychain holds the entries of one or more docker configs; the most specific entry wins. */
export class DockerConfigKeychain implements Keychain {
  readonly #entries: Entry[] = [];

  /**
   * add reads a docker config (`{"auths":{…}}`, or the legacy dockercfg map without `auths`). `source` names
   * where it came from, e.g. `Secret ns/name`, for error messages.
   */
  add(json: string, source: string): this {
    let doc: unknown;
    try {
      doc = JSON.parse(json);
    } catch (cause) {
      throw new OCIError('bad-credentials', `invalid docker config in ${source}: not valid JSON`, { cause });
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      throw new OCIError('bad-credentials', `invalid docker config in ${source}: not a JSON object`);
    }
    const root = doc as Record<string, unknown>;
    const auths = 'auths' in root ? root['auths'] : root;
    if (typeof auths !== 'object' || auths === null) {
      throw new OCIError('bad-credentials', `invalid docker config in ${source}: 'auths' is not an object`);
    }
    for (const [key, value] of Object.entries(auths as Record<string, unknown>)) {
      this.#entries.push({ ...parseKey(key), creds: credsOf(source, key, value) });
    }
    // Most specific first: exact hosts before globs, longer path prefixes before shorter ones.
    this.#entries.sort(
      (a, b) => Number(a.host.includes('*')) - Number(b.host.includes('*')) || b.path.length - a.path.length,
    );
    return this;
  }

  get size(): number {
    return this.#entries.length;
  }

  resolve(registry: string, repository: string): RegistryCredentials | undefined {
    const host = normaliseHost(registry);
    for (const e of this.#entries) {
      if (!hostMatches(e.host, host)) continue;
      if (e.path !== '' && repository !== e.path && !repository.startsWith(`${e.path}/`)) continue;
      return e.creds;
    }
    return undefined;
  }
}

type SecretData = Record<string, string | Uint8Array | undefined>;

function text(v: string | Uint8Array): string {
  return typeof v === 'string' ? v : Buffer.from(v).toString('utf8');
}

/**
 * keychainFromSecrets reads docker configs from decoded Secret data (`.dockerconfigjson`, or `.dockercfg`), in
 * order (a `spec.secretRef` first, then a ServiceAccount's imagePullSecrets). A Secret with neither key is an
 * error naming the Secret and the keys it needs.
 */
export function keychainFromSecrets(secrets: { name: string; data: SecretData }[]): DockerConfigKeychain {
  const chain = new DockerConfigKeychain();
  for (const s of secrets) {
    const json = s.data['.dockerconfigjson'] ?? s.data['.dockercfg'];
    if (json === undefined) {
      throw new OCIError(
        'bad-credentials',
        `secret '${s.name}' has neither '.dockerconfigjson' nor '.dockercfg': it must be of type kubernetes.io/dockerconfigjson`,
      );
    }
    chain.add(text(json), `secret '${s.name}'`);
  }
  return chain;
}

/** dockerConfigJson renders the `.dockerconfigjson` of one registry's username and password. */
export function dockerConfigJson(registry: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  return JSON.stringify({ auths: { [registry]: { username, password, auth } } });
}
