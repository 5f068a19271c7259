// One JSON call to a Git hosting service's REST API, shared by the GitHub, GitLab and Gitea clients. Errors carry the
// method, the URL without its query, the HTTP status and the service's own message, never the credentials (they
// travel only in the headers the caller passes).
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

/** forgeCall sends one request and parses the JSON answer. */
export async function forgeCall<T>(ep: ForgeEndpoint, method: string, path: string, body?: unknown): Promise<T> {
  const where = `${method} ${ep.api}${path.split('?')[0]}`;
  let res: Response;
  try {
    res = await fetch(`${ep.api}${path}`, {
      method,
      headers: {
        Accept: 'application/json',
        'User-Agent': 'fluxts-image-automation-controller',
        ...ep.headers,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(ep.signal ? { signal: ep.signal } : {}),
    });
  } catch (cause) {
    throw new ForgeApiError(`${where}: ${cause instanceof Error ? cause.message : String(cause)}`, 0, { cause });
  }
  const text = await res.text();
  if (!res.ok) throw new ForgeApiError(`${where}: ${res.status} ${serviceMessage(text)}`, res.status);
  try {
    return JSON.parse(text) as T;
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
