// What a request carries to prove who it is: TLS material for the connection, and headers (bearer token, basic
// auth, impersonation) for each request. Tokens from files and exec plugins change over time, so headers are
// resolved per request and cached only as long as they are valid.
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

import { errorMessage, FluxtsError } from '../../util/errors.ts';
import type { ExecConfig, KubeCluster, KubeConfig, KubeUser } from './kubeconfig.ts';

/** CredentialError: a credential source (token file, exec plugin, auth provider) failed. */
export class CredentialError extends FluxtsError {}

/** TlsMaterial is what the connection needs; equal material shares one keep-alive agent. */
export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
  servername?: string;
}

/** Credentials are resolved for one request. */
export interface Credentials {
  server: string;
  tls: TlsMaterial;
  headers: Record<string, string | string[]>;
}

interface ExecResult {
  token?: string;
  cert?: Buffer;
  key?: Buffer;
  /** expires is epoch milliseconds, or undefined when the plugin gave no expiry. */
  expires?: number;
}

/** How long a token file's content is trusted before it is read again (bound tokens rotate; client-go: 1 min). */
const TOKEN_FILE_TTL_MS = 60_000;

/**
 * CredentialSource resolves a KubeConfig's current cluster and user into Credentials, caching exec plugin output
 * until it expires and token files for a minute.
 */
export class CredentialSource {
  readonly #kubeConfig: KubeConfig;
  #exec: Promise<ExecResult> | undefined;
  #execExpires = 0;
  #tokenFile: { token: string; read: number; mtime: number } | undefined;

  constructor(kubeConfig: KubeConfig) {
    this.#kubeConfig = kubeConfig;
  }

  /** resolve returns the credentials for the next request. */
  async resolve(): Promise<Credentials> {
    const cluster = this.#kubeConfig.getCurrentCluster();
    if (!cluster) throw new CredentialError('kubeconfig: no current cluster');
    if (!cluster.server) throw new CredentialError(`kubeconfig: cluster "${cluster.name}" has no server`);
    if (cluster.proxyUrl) {
      throw new CredentialError(`kubeconfig: cluster "${cluster.name}": proxy-url is not supported by fluxts`);
    }
    const user = this.#kubeConfig.getCurrentUser() ?? { name: '' };
    const tls: TlsMaterial = { rejectUnauthorized: !cluster.insecureSkipTlsVerify };
    if (cluster.caData) tls.ca = cluster.caData;
    if (cluster.tlsServerName) tls.servername = cluster.tlsServerName;
    if (user.clientCertData && user.clientKeyData) {
      tls.cert = user.clientCertData;
      tls.key = user.clientKeyData;
    }
    const headers: Record<string, string | string[]> = {};
    if (user.authProvider) {
      throw new CredentialError(
        `kubeconfig: user "${user.name}": auth-provider "${user.authProvider}" is not supported; use an exec plugin`,
      );
    }
    if (user.exec) {
      const result = await this.#execCredential(user.exec, cluster);
      if (result.token) headers['Authorization'] = `Bearer ${result.token}`;
      if (result.cert && result.key) {
        tls.cert = result.cert;
        tls.key = result.key;
      }
    } else if (user.token) {
      headers['Authorization'] = `Bearer ${user.token}`;
    } else if (user.tokenFile) {
      headers['Authorization'] = `Bearer ${this.#readTokenFile(user.tokenFile)}`;
    } else if (user.username !== undefined || user.password !== undefined) {
      const basic = Buffer.from(`${user.username ?? ''}:${user.password ?? ''}`).toString('base64');
      headers['Authorization'] = `Basic ${basic}`;
    }
    addImpersonation(headers, user);
    return { server: cluster.server.replace(/\/+$/, ''), tls, headers };
  }

  /** invalidate drops cached tokens, so a 401 makes the next request ask the plugin or file again. */
  invalidate(): void {
    this.#exec = undefined;
    this.#tokenFile = undefined;
  }

  #readTokenFile(path: string): string {
    const now = Date.now();
    const cached = this.#tokenFile;
    if (cached && now - cached.read < TOKEN_FILE_TTL_MS) return cached.token;
    try {
      const mtime = statSync(path).mtimeMs;
      if (cached && cached.mtime === mtime) {
        cached.read = now;
        return cached.token;
      }
      const token = readFileSync(path, 'utf8').trim();
      this.#tokenFile = { token, read: now, mtime };
      return token;
    } catch (err) {
      throw new CredentialError(`token file ${path} cannot be read`, { cause: err });
    }
  }

  #execCredential(exec: ExecConfig, cluster: KubeCluster): Promise<ExecResult> {
    // Renew a little before expiry, so a request never leaves with a token that lapses on the way.
    if (this.#exec && Date.now() < this.#execExpires - 10_000) return this.#exec;
    const pending = runExecPlugin(exec, cluster);
    this.#exec = pending;
    this.#execExpires = Number.POSITIVE_INFINITY;
    pending.then(
      (r) => {
        if (this.#exec === pending) this.#execExpires = r.expires ?? Number.POSITIVE_INFINITY;
      },
      () => {
        if (this.#exec === pending) this.#exec = undefined;
      },
    );
    return pending;
  }
}

function addImpersonation(headers: Record<string, string | string[]>, user: KubeUser): void {
  if (!user.impersonate) return;
  headers['Impersonate-User'] = user.impersonate;
  if (user.impersonateGroups && user.impersonateGroups.length > 0) {
    headers['Impersonate-Group'] = user.impersonateGroups;
  }
}

/** runExecPlugin runs a client.authentication.k8s.io plugin and reads its ExecCredential status. */
function runExecPlugin(exec: ExecConfig, cluster: KubeCluster): Promise<ExecResult> {
  const command =
    exec.command.includes('/') && !isAbsolute(exec.command) ? join(exec.baseDir, exec.command) : exec.command;
  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo) {
    spec['cluster'] = {
      server: cluster.server,
      ...(cluster.caData ? { 'certificate-authority-data': cluster.caData.toString('base64') } : {}),
      ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
      ...(cluster.insecureSkipTlsVerify ? { 'insecure-skip-tls-verify': true } : {}),
    };
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: exec.apiVersion, kind: 'ExecCredential', spec }),
  };
  for (const e of exec.env ?? []) env[e.name] = e.value;
  return new Promise((resolve, reject) => {
    execFile(command, exec.args ?? [], { env, timeout: 60_000, maxBuffer: 1 << 20 }, (err, stdout) => {
      // The plugin's output and stderr can hold credentials or prompts: report only the command and exit.
      if (err) {
        reject(new CredentialError(`exec plugin ${exec.command} failed: ${errorMessage(err).split('\n')[0]}`));
        return;
      }
      let status: Record<string, unknown>;
      try {
        const parsed = JSON.parse(stdout) as { status?: Record<string, unknown> };
        status = parsed.status ?? {};
      } catch {
        reject(new CredentialError(`exec plugin ${exec.command} did not print an ExecCredential`));
        return;
      }
      const result: ExecResult = {};
      if (typeof status['token'] === 'string') result.token = status['token'];
      if (typeof status['clientCertificateData'] === 'string' && typeof status['clientKeyData'] === 'string') {
        result.cert = Buffer.from(status['clientCertificateData']);
        result.key = Buffer.from(status['clientKeyData']);
      }
      if (!result.token && !result.cert) {
        reject(new CredentialError(`exec plugin ${exec.command} returned neither a token nor a client certificate`));
        return;
      }
      if (typeof status['expirationTimestamp'] === 'string') {
        const expires = Date.parse(status['expirationTimestamp']);
        if (!Number.isNaN(expires)) result.expires = expires;
      }
      resolve(result);
    });
  });
}
