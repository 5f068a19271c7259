// What the Git hosting providers share: repository addresses, the commit SHA of an event, REST calls with a
// bearer token, and the errors they report.
import { type FluxEvent, revisionOf } from '../event.ts';
import { type HttpResponse, ProviderHttpError, redactUrl, send, sendWithRetry, type Transport } from './http.ts';
import { ProviderConfigError } from './types.ts';

/** GitAddress is a repository URL split as Flux's parseGitAddress does: `scheme://host` and the path id. */
export interface GitAddress {
  host: string;
  id: string;
}

/**
 * parseGitAddress accepts https, http and ssh URLs and scp-like `git@host:owner/repo.git`; ssh becomes https, the
 * id is the path without its leading slash and `.git` suffix.
 */
export function parseGitAddress(address: string): GitAddress {
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.+)$/.exec(address);
  if (scp && !address.includes('://')) {
    return { host: `https://${scp[1]}`, id: (scp[2] ?? '').replace(/^\/+/, '').replace(/\.git$/, '') };
  }
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new ProviderConfigError(`failed parsing URL ${redactUrl(address)}`);
  }
  const scheme = url.protocol === 'ssh:' ? 'https:' : url.protocol;
  const id = decodeURIComponent(url.pathname)
    .replace(/^\/+/, '')
    .replace(/\.git$/, '');
  return { host: `${scheme}//${url.host}`, id };
}

/** ownerRepo splits an id into exactly two segments, or fails as Flux does. */
export function ownerRepo(id: string): [string, string] {
  const parts = id.split('/');
  if (parts.length !== 2) throw new ProviderConfigError(`invalid repository id '${id}'`);
  return parts as [string, string];
}

/**
 * commitSha extracts the 40-hex commit of an event's revision (`main@sha1:<sha>`, `sha1:<sha>`, legacy
 * `main/<sha>` or a bare sha); a missing or other revision is an error.
 */
export function commitSha(event: FluxEvent): string {
  const revision = revisionOf(event);
  if (revision === undefined) throw new ProviderHttpError('missing revision metadata');
  let hash: string;
  const colon = revision.lastIndexOf(':');
  if (colon >= 0) hash = revision.slice(colon + 1);
  else hash = revision.split('/').pop() ?? revision;
  if (hash.length !== 40) throw new ProviderHttpError(`failed to extract commit hash from '${revision}' revision`);
  return hash;
}

/** ApiCall is one REST call of a Git provider. */
export interface ApiCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  body?: string;
  transport: Transport;
  signal: AbortSignal;
  /** retry uses Flux's retrying client (Bitbucket Server); the SDK-based providers try once. */
  retry?: boolean;
  /** allow lists non-2xx statuses the caller handles itself (404 on a lookup). */
  allow?: number[];
}

/** apiCall sends a call and returns the answer, or throws with the status and the service's message. */
export async function apiCall(call: ApiCall): Promise<HttpResponse> {
  const req = {
    method: call.method,
    url: call.url,
    headers: call.body === undefined ? call.headers : { 'Content-Type': 'application/json', ...call.headers },
    ...(call.body === undefined ? {} : { body: call.body }),
    transport: call.transport,
    signal: call.signal,
  };
  let res: HttpResponse;
  try {
    res = call.retry ? await sendWithRetry(req) : await send(req);
  } catch (err) {
    if (err instanceof ProviderHttpError) throw err;
    throw new ProviderHttpError(`${call.method} ${redactUrl(call.url)}: ${(err as Error).message}`, { cause: err });
  }
  if ((res.status >= 200 && res.status < 300) || call.allow?.includes(res.status)) return res;
  throw new ProviderHttpError(`${call.method} ${redactUrl(call.url)}: ${res.status} ${serviceMessage(res)}`);
}

/** serviceMessage is the `message` (or `error`) an API answered with, else the start of the body. */
function serviceMessage(res: HttpResponse): string {
  const text = res.body.toString('utf8');
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    const msg = parsed.message ?? parsed.error;
    if (typeof msg === 'string') return msg;
    if (msg !== undefined) return JSON.stringify(msg);
  } catch {
    // not JSON
  }
  return text.length > 512 ? `${text.slice(0, 512)}…` : text || res.statusText;
}

/** json parses an API answer. */
export function json<T>(res: HttpResponse): T {
  try {
    return JSON.parse(res.body.toString('utf8')) as T;
  } catch (cause) {
    throw new ProviderHttpError(`unexpected answer (not JSON) with status ${res.status}`, { cause });
  }
}

/** encoderBody is Go's json.Encoder output with SetEscapeHTML(false): the value and a trailing newline. */
export function encoderBody(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
