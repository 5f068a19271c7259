// The HTTP getter of Helm repositories (Helm's `getter.HTTPGetter` as source-controller configures it): one GET,
// basic auth sent only to the repository's own scheme and host unless `passCredentials`, TLS material from a
// certSecretRef, a timeout for the whole exchange, redirects followed as Go's client follows them (at most ten,
// credentials dropped when the host changes), and a size cap on the body.
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { getCACertificates } from 'node:tls';

import { HelmRepositoryError } from './errors.ts';

/** TlsMaterial is PEM text: a CA bundle to trust (added to the system roots) and/or a client certificate and key. */
export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
}

/** BasicAuth is a repository's username and password (`secretRef`). */
export interface BasicAuth {
  username: string;
  password: string;
}

/** GetterOptions configure requests to one repository. */
export interface GetterOptions {
  /** repositoryUrl decides where credentials may go: its scheme and host[:port]. */
  repositoryUrl: string;
  basicAuth?: BasicAuth;
  /** passCredentials sends the credentials to every host (`spec.passCredentials`). */
  passCredentials?: boolean;
  tls?: TlsMaterial;
  /** timeoutMs bounds each request from connect to the last body byte (`spec.timeout`, 60 s by default). */
  timeoutMs?: number;
  userAgent?: string;
}

/** GetOptions bound one download. */
export interface GetOptions {
  maxBytes: number;
  /** what names the body in the too-large message, e.g. `index` or `chart`. */
  what: string;
  signal?: AbortSignal;
}

const MAX_REDIRECTS = 10;

/** redactUrl prints a URL without its userinfo, so that no message carries a password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/u, '//');
  }
}

/** mayCarryCredentials is Helm's rule: same scheme and host (with port) as the repository, or passCredentials. */
function mayCarryCredentials(opts: GetterOptions, target: URL): boolean {
  if (opts.passCredentials === true) return true;
  try {
    const repo = new URL(opts.repositoryUrl);
    return repo.protocol === target.protocol && repo.host === target.host;
  } catch {
    return false;
  }
}

/** sameOrSubdomain is Go's rule for keeping sensitive headers on a redirect. */
function sameOrSubdomain(initial: string, next: string): boolean {
  return next === initial || next.endsWith(`.${initial}`);
}

/** httpGet fetches `url` and returns its body; any answer but 200 fails as Helm's getter does. */
export async function httpGet(url: string, opts: GetterOptions, get: GetOptions): Promise<Buffer> {
  let target: URL;
  try {
    target = new URL(url);
  } catch (cause) {
    throw new HelmRepositoryError('invalid-url', `parse ${JSON.stringify(redactUrl(url))}: invalid URL`, { cause });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new HelmRepositoryError('invalid-url', `scheme "${target.protocol.replace(/:$/u, '')}" not supported`);
  }
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 60_000);
  const signal = get.signal ? AbortSignal.any([get.signal, timeout]) : timeout;
  const initialHost = target.hostname;
  let authorization: string | undefined;
  if (
    opts.basicAuth &&
    opts.basicAuth.username !== '' &&
    opts.basicAuth.password !== '' &&
    mayCarryCredentials(opts, target)
  ) {
    authorization = `Basic ${Buffer.from(`${opts.basicAuth.username}:${opts.basicAuth.password}`).toString('base64')}`;
  }
  const shown = redactUrl(url);
  for (let hop = 0; ; hop++) {
    const res = await send(target, opts, authorization, signal, shown);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if ([301, 302, 303, 307, 308].includes(status) && location) {
      res.resume();
      if (hop + 1 >= MAX_REDIRECTS) {
        throw new HelmRepositoryError(
          'status',
          `Get ${JSON.stringify(shown)}: stopped after ${MAX_REDIRECTS} redirects`,
        );
      }
      target = new URL(location, target);
      if (!sameOrSubdomain(initialHost, target.hostname)) authorization = undefined;
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new HelmRepositoryError(
        'status',
        `failed to fetch ${shown} : ${status} ${res.statusMessage ?? ''}`.trimEnd(),
        {
          status,
        },
      );
    }
    return readAll(res, get, shown, signal);
  }
}

function send(
  target: URL,
  opts: GetterOptions,
  authorization: string | undefined,
  signal: AbortSignal,
  shown: string,
): Promise<IncomingMessage> {
  const headers: OutgoingHttpHeaders = { 'user-agent': opts.userAgent ?? 'fluxts-source-controller' };
  if (authorization) headers['authorization'] = authorization;
  const secure = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(
      target,
      {
        method: 'GET',
        headers,
        signal,
        ...(secure && opts.tls?.ca ? { ca: withSystemRoots(opts.tls.ca) } : {}),
        ...(secure && opts.tls?.cert ? { cert: opts.tls.cert } : {}),
        ...(secure && opts.tls?.key ? { key: opts.tls.key } : {}),
      },
      resolve,
    );
    req.once('error', (err) => reject(networkError(shown, err, signal)));
    req.end();
  });
}

async function readAll(res: IncomingMessage, get: GetOptions, shown: string, signal: AbortSignal): Promise<Buffer> {
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > get.maxBytes) {
    res.destroy();
    throw tooLarge(get);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > get.maxBytes) {
        res.destroy();
        throw tooLarge(get);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof HelmRepositoryError) throw err;
    throw networkError(shown, err, signal);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(get: GetOptions): HelmRepositoryError {
  return new HelmRepositoryError(
    'too-large',
    `${get.what} exceeds the maximum ${get.what} file size of ${get.maxBytes} bytes`,
  );
}

/**
 * withSystemRoots adds a CA bundle to the roots Node trusts by default, as Flux extends the system pool for
 * HelmRepository (`WithSystemCertPool`) rather than replacing it: a repository behind a public CA keeps working.
 */
function withSystemRoots(ca: string): string[] {
  return [...getCACertificates('default'), ca];
}

/** networkError words a socket or TLS failure as Go's client does: `Get "<url>": <cause>`. */
function networkError(shown: string, err: unknown, signal: AbortSignal): HelmRepositoryError {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
  const prefix = `Get ${JSON.stringify(shown)}`;
  if (signal.aborted || e.name === 'AbortError' || e.name === 'TimeoutError') {
    return new HelmRepositoryError(
      'timeout',
      `${prefix}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
      { cause: err },
    );
  }
  const code = e.code ?? '';
  if (code === 'ECONNREFUSED') {
    const where = e.address ? `${e.address}:${String(e.port ?? '')}` : '';
    return new HelmRepositoryError('unreachable', `${prefix}: dial tcp ${where}: connect: connection refused`, {
      cause: err,
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new HelmRepositoryError('unreachable', `${prefix}: dial tcp: lookup ${e.hostname ?? ''}: no such host`, {
      cause: err,
    });
  }
  const alert = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_(.+)$/u.exec(code);
  if (alert) {
    // The server refused the handshake (e.g. no client certificate for mutual TLS): Go's `remote error: tls: …`.
    const what = (alert[1] ?? '').toLowerCase().replace(/_/gu, ' ');
    return new HelmRepositoryError('tls', `${prefix}: remote error: tls: ${what}`, { cause: err });
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_SSL|ERR_TLS|EPROTO/u.test(code)) {
    const unknownAuthority = /SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/u.test(code);
    const detail = unknownAuthority
      ? 'tls: failed to verify certificate: x509: certificate signed by unknown authority'
      : `tls: ${e.message}`;
    return new HelmRepositoryError('tls', `${prefix}: ${detail}`, { cause: err });
  }
  return new HelmRepositoryError('unreachable', `${prefix}: ${e.message ?? String(err)}`, { cause: err });
}
