// One JSON call to a Git hosting service's REST API, shared by the GitHub, GitLab and Gitea clients. Errors carry the
// method, the URL without its query, the HTTP status and the service's own message, never the credentials (they
// travel only in the headers the caller passes).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { FluxtsError } from '../../util/errors.ts';

/** ForgeApiError: the API refused or failed a call; `status` is the HTTP status (0 when none was received). */
export class ForgeApiError extends FluxtsError {
  readonly status: number;
  constructor(message: string, status: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

/** ForgeEndpoint is an API base with the headers that authenticate to it. */
export interface ForgeEndpoint {
  /** api is the REST base without a trailing slash, e.g. https://gitlab.example.com/api/v4. */
  api: string;
  headers: Record<string, string>;
  signal?: AbortSignal;
  /** ca is the PEM bundle a self-hosted service's certificate is checked against (default: the system's). */
  ca?: string;
  timeoutMs?: number;
}

/** The longest service message kept in an error: enough to read, bounded against a hostile or broken server. */
const MESSAGE_LIMIT = 300;

function serviceMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown; errors?: unknown };
    const message = parsed.message ?? parsed.error;
    // GitHub answers 422 with "Validation Failed" and the reasons in errors[] ({message} or {field, code}).
    const details = Array.isArray(parsed.errors)
      ? parsed.errors.map((e: { message?: unknown; field?: unknown; code?: unknown }) =>
          typeof e.message === 'string' ? e.message : `${String(e.field)} ${String(e.code)}`,
        )
      : [];
    if (typeof message === 'string') {
      return (details.length > 0 ? `${message}: ${details.join('; ')}` : message).slice(0, MESSAGE_LIMIT);
    }
    // GitLab answers validation errors as {"message": {"field": ["problem"]}}.
    if (message !== undefined) return JSON.stringify(message).slice(0, MESSAGE_LIMIT);
  } catch {
    // not JSON: keep the text
  }
  return text.slice(0, MESSAGE_LIMIT);
}

/** The largest answer read: a listing of pull requests or keys is far smaller; anything bigger is refused. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
/** The default time for one call, connection to last byte. */
const DEFAULT_TIMEOUT_MS = 30_000;

interface RawAnswer {
  status: number;
  text: string;
}

function send(ep: ForgeEndpoint, method: string, url: URL, payload: string | undefined): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': 'fluxts',
      ...ep.headers,
      ...(payload === undefined
        ? {}
        : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) }),
    };
    const options = {
      method,
      headers,
      timeout: ep.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(ep.signal ? { signal: ep.signal } : {}),
      ...(url.protocol === 'https:' && ep.ca !== undefined ? { ca: ep.ca } : {}),
    };
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) {
          req.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeout} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** forgeCall sends one request and parses the JSON answer; 204 and empty answers parse as undefined. */
export async function forgeCall<T>(ep: ForgeEndpoint, method: string, path: string, body?: unknown): Promise<T> {
  const where = `${method} ${ep.api}${path.split('?')[0]}`;
  if (!/^https?:\/\//u.test(ep.api)) throw new ForgeApiError(`${where}: the API base must be an http(s) URL`, 0);
  let res: RawAnswer;
  try {
    res = await send(ep, method, new URL(`${ep.api}${path}`), body === undefined ? undefined : JSON.stringify(body));
  } catch (cause) {
    throw new ForgeApiError(`${where}: ${cause instanceof Error ? cause.message : String(cause)}`, 0, { cause });
  }
  if (res.status < 200 || res.status > 299) {
    throw new ForgeApiError(`${where}: ${res.status} ${serviceMessage(res.text)}`, res.status);
  }
  if (res.text.trim() === '') return undefined as T;
  try {
    return JSON.parse(res.text) as T;
  } catch (cause) {
    throw new ForgeApiError(`${where}: ${res.status} answer is not JSON`, res.status, { cause });
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a stray '%': the segment is taken as written
  }
}

/** OwnedRepository names a repository by owner and name, with the API base and token that reach it. */
export interface OwnedRepository {
  /** api is the REST base without a trailing slash. */
  api: string;
  owner: string;
  repo: string;
  token: string;
  signal?: AbortSignal;
}

/** ServiceAccess is how the repository side of a service is reached: API base, token, optional CA. */
export interface ServiceAccess {
  api: string;
  token: string;
  ca?: string;
  signal?: AbortSignal;
}

/** webOrigin is the http(s) origin of a clone URL; an SSH URL's service is taken to be HTTPS on the same host. */
export const webOrigin = (url: URL): string =>
  url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : `https://${url.hostname}`;

/** resourceExists is a GET that tells 404 (false) from other failures (thrown). */
export async function resourceExists(ep: ForgeEndpoint, path: string): Promise<boolean> {
  try {
    await forgeCall<unknown>(ep, 'GET', path);
    return true;
  } catch (err) {
    if (err instanceof ForgeApiError && err.status === 404) return false;
    throw err;
  }
}

/** repositoryPath splits a clone URL's path into its segments, without `.git`. */
export function repositoryPath(cloneUrl: string, service: string): { url: URL; segments: string[] } {
  let url: URL;
  try {
    url = new URL(cloneUrl);
  } catch (cause) {
    throw new ForgeApiError(`cannot derive a ${service} repository from '${cloneUrl}'`, 0, { cause });
  }
  const segments = url.pathname
    .replace(/\.git$/u, '')
    .split('/')
    .filter(Boolean)
    .map(decodeSegment);
  if (segments.length < 2) {
    throw new ForgeApiError(`cannot derive owner and repository from '${url.origin}${url.pathname}'`, 0);
  }
  return { url, segments };
}
