// Kubeconfig files and in-cluster credentials, read the way client-go and kubectl read them. Our own loader
// instead of @kubernetes/client-node's: that package costs ~85 MiB of resident memory at import (it loads every
// generated API model), more than a whole controller should use.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';

import { parse } from 'yaml';

import { FluxtsError } from '../../util/errors.ts';

/** KubeConfigError: a kubeconfig that cannot be read or names something it does not define. */
export class KubeConfigError extends FluxtsError {}

/** ExecConfig is a user's `exec` credential plugin (client.authentication.k8s.io). */
export interface ExecConfig {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[];
  apiVersion: string;
  provideClusterInfo?: boolean;
  /** baseDir resolves a relative command path, as client-go does for commands containing a separator. */
  baseDir: string;
}

/** KubeCluster is one `clusters[].cluster` entry, with file references already read. */
export interface KubeCluster {
  name: string;
  server: string;
  caData?: Buffer;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

/** KubeUser is one `users[].user` entry, with file references already read (except tokenFile, re-read). */
export interface KubeUser {
  name: string;
  token?: string;
  tokenFile?: string;
  clientCertData?: Buffer;
  clientKeyData?: Buffer;
  username?: string;
  password?: string;
  exec?: ExecConfig;
  impersonate?: string;
  impersonateGroups?: string[];
  /** authProvider names a legacy auth-provider plugin, which is refused when used. */
  authProvider?: string;
}

/** KubeContext is one `contexts[].context` entry. */
export interface KubeContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}

/** The in-cluster service account files (client-go `rest.InClusterConfig`). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

type Yaml = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Yaml => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Yaml) : {});
const list = (v: unknown): Yaml[] => (Array.isArray(v) ? v.map(obj) : []);

/**
 * KubeConfig holds clusters, users and contexts and which context is current. Files named inside a kubeconfig are
 * read at load time relative to the file's directory, so a loaded config needs no further disk access (apart from
 * token files, which rotate and are re-read by the transport).
 */
export class KubeConfig {
  clusters: KubeCluster[] = [];
  users: KubeUser[] = [];
  contexts: KubeContext[] = [];
  currentContext = '';

  /** loadFromFile reads one kubeconfig file, merging it under what is loaded already (first definition wins). */
  loadFromFile(path: string): void {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new KubeConfigError(`kubeconfig ${path}: cannot be read`, { cause: err });
    }
    this.loadFromString(text, dirname(path), path);
  }

  /**
   * loadFromString reads kubeconfig YAML. Relative paths inside resolve against baseDir; with `inlineOnly`, a file
   * reference is an error (a kubeconfig from a Secret must not read the controller's own files, such as its
   * service account token). Errors name the source, never the content (it holds credentials).
   */
  loadFromString(text: string, baseDir = process.cwd(), source = 'kubeconfig', inlineOnly = false): void {
    let doc: unknown;
    try {
      doc = parse(text, { logLevel: 'error' }); // warnings (an unknown tag) are not worth a process warning
    } catch {
      throw new KubeConfigError(`${source}: not valid YAML`);
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      throw new KubeConfigError(`${source}: not a kubeconfig (expected a mapping)`);
    }
    const root = doc as Yaml;
    const read = (file: string, what: string): Buffer => {
      if (inlineOnly) throw new KubeConfigError(`${source}: ${what} must be inline (${what}-data), not a file`);
      const path = isAbsolute(file) ? file : join(baseDir, file);
      try {
        return readFileSync(path);
      } catch (err) {
        throw new KubeConfigError(`${source}: ${what} ${path} cannot be read`, { cause: err });
      }
    };
    const data = (inline: unknown, file: unknown, what: string): Buffer | undefined => {
      const b64 = str(inline);
      if (b64) return Buffer.from(b64, 'base64');
      const path = str(file);
      return path ? read(path, what) : undefined;
    };
    for (const entry of list(root['clusters'])) {
      const name = str(entry['name']);
      if (!name || this.clusters.some((c) => c.name === name)) continue;
      const c = obj(entry['cluster']);
      const cluster: KubeCluster = { name, server: str(c['server']) ?? '' };
      const ca = data(c['certificate-authority-data'], c['certificate-authority'], 'certificate-authority');
      if (ca) cluster.caData = ca;
      if (c['insecure-skip-tls-verify'] === true) cluster.insecureSkipTlsVerify = true;
      const sni = str(c['tls-server-name']);
      if (sni) cluster.tlsServerName = sni;
      const proxy = str(c['proxy-url']);
      if (proxy) cluster.proxyUrl = proxy;
      this.clusters.push(cluster);
    }
    for (const entry of list(root['users'])) {
      const name = str(entry['name']);
      if (!name || this.users.some((u) => u.name === name)) continue;
      const user = parseUser(name, obj(entry['user']), baseDir, data);
      if (inlineOnly && user.tokenFile) throw new KubeConfigError(`${source}: tokenFile must be an inline token`);
      this.users.push(user);
    }
    for (const entry of list(root['contexts'])) {
      const name = str(entry['name']);
      if (!name || this.contexts.some((c) => c.name === name)) continue;
      const c = obj(entry['context']);
      const context: KubeContext = { name, cluster: str(c['cluster']) ?? '', user: str(c['user']) ?? '' };
      const ns = str(c['namespace']);
      if (ns) context.namespace = ns;
      this.contexts.push(context);
    }
    if (!this.currentContext) this.currentContext = str(root['current-context']) ?? '';
  }

  /**
   * loadFromDefault follows kubectl's order: every file of `$KUBECONFIG` (merged, first wins), else
   * `~/.kube/config`, else the in-cluster service account.
   */
  loadFromDefault(): void {
    const env = process.env['KUBECONFIG'];
    const files = (env ?? '').split(delimiter).filter((f) => f !== '');
    if (files.length > 0) {
      for (const file of files) if (existsSync(file)) this.loadFromFile(file);
      return;
    }
    const home = join(homedir(), '.kube', 'config');
    if (existsSync(home)) {
      this.loadFromFile(home);
      return;
    }
    if (process.env['KUBERNETES_SERVICE_HOST']) {
      this.loadFromCluster();
      return;
    }
    throw new KubeConfigError('no kubeconfig: $KUBECONFIG and ~/.kube/config are unset and not running in a cluster');
  }

  /** loadFromCluster uses the pod's service account, as client-go's InClusterConfig does. */
  loadFromCluster(dir = SERVICE_ACCOUNT_DIR): void {
    const host = process.env['KUBERNETES_SERVICE_HOST'];
    const port = process.env['KUBERNETES_SERVICE_PORT'];
    if (!host || !port) {
      throw new KubeConfigError('in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set');
    }
    const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const cluster: KubeCluster = { name: 'in-cluster', server };
    const caPath = join(dir, 'ca.crt');
    if (existsSync(caPath)) cluster.caData = readFileSync(caPath);
    this.clusters.push(cluster);
    this.users.push({ name: 'in-cluster', tokenFile: join(dir, 'token') });
    const context: KubeContext = { name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster' };
    const nsPath = join(dir, 'namespace');
    if (existsSync(nsPath)) context.namespace = readFileSync(nsPath, 'utf8').trim();
    this.contexts.push(context);
    this.currentContext = 'in-cluster';
  }

  getContexts(): readonly KubeContext[] {
    return this.contexts;
  }

  getContextObject(name: string): KubeContext | undefined {
    return this.contexts.find((c) => c.name === name);
  }

  setCurrentContext(name: string): void {
    if (!this.getContextObject(name)) throw new KubeConfigError(`context "${name}" not found in the kubeconfig`);
    this.currentContext = name;
  }

  getCurrentContextObject(): KubeContext | undefined {
    return this.getContextObject(this.currentContext);
  }

  getCurrentCluster(): KubeCluster | undefined {
    const context = this.getCurrentContextObject();
    return context ? this.clusters.find((c) => c.name === context.cluster) : undefined;
  }

  getCurrentUser(): KubeUser | undefined {
    const context = this.getCurrentContextObject();
    return context ? this.users.find((u) => u.name === context.user) : undefined;
  }

  /**
   * impersonating returns a copy whose current user sends `Impersonate-User` (and the groups) with every request;
   * the API server then authorizes as that user.
   */
  impersonating(user: string, groups: string[] = []): KubeConfig {
    const current = this.getCurrentUser();
    if (!current) throw new KubeConfigError('kubeconfig: no current user to impersonate with');
    const copy = new KubeConfig();
    copy.clusters = this.clusters;
    copy.contexts = this.contexts;
    copy.currentContext = this.currentContext;
    copy.users = this.users.map((u) =>
      u === current ? { ...u, impersonate: user, ...(groups.length > 0 ? { impersonateGroups: groups } : {}) } : u,
    );
    return copy;
  }
}

function parseUser(
  name: string,
  u: Yaml,
  baseDir: string,
  data: (inline: unknown, file: unknown, what: string) => Buffer | undefined,
): KubeUser {
  const user: KubeUser = { name };
  const token = str(u['token']);
  if (token) user.token = token;
  const tokenFile = str(u['tokenFile']);
  if (tokenFile) user.tokenFile = isAbsolute(tokenFile) ? tokenFile : join(baseDir, tokenFile);
  const cert = data(u['client-certificate-data'], u['client-certificate'], 'client-certificate');
  if (cert) user.clientCertData = cert;
  const key = data(u['client-key-data'], u['client-key'], 'client-key');
  if (key) user.clientKeyData = key;
  const username = str(u['username']);
  if (username) user.username = username;
  const password = str(u['password']);
  if (password) user.password = password;
  const as = str(u['as']);
  if (as) user.impersonate = as;
  const groups = Array.isArray(u['as-groups']) ? u['as-groups'].filter((g): g is string => typeof g === 'string') : [];
  if (groups.length > 0) user.impersonateGroups = groups;
  const provider = str(obj(u['auth-provider'])['name']);
  if (provider) user.authProvider = provider;
  const exec = obj(u['exec']);
  const command = str(exec['command']);
  if (command) {
    user.exec = {
      command,
      apiVersion: str(exec['apiVersion']) ?? 'client.authentication.k8s.io/v1',
      args: Array.isArray(exec['args']) ? exec['args'].filter((a): a is string => typeof a === 'string') : [],
      env: list(exec['env']).map((e) => ({
        name: str(e['name']) ?? '',
        value: typeof e['value'] === 'string' ? e['value'] : '',
      })),
      provideClusterInfo: exec['provideClusterInfo'] === true,
      baseDir,
    };
  }
  return user;
}

/**
 * loadKubeConfig loads credentials the way Flux controllers do: the `--kubeconfig` file when given, else
 * `$KUBECONFIG`/`~/.kube/config`, else the in-cluster service account.
 */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}
