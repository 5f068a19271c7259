// The browser's side of the JSON API: fetch with the CSRF token, typed answers, the live stream.
import type { DiffView } from '../diff.ts';
import type { ObjectDetails } from '../details.ts';
import type { HelmReleaseView } from '../helmrelease.ts';
import type { ValuesView } from '../helmvalues.ts';
import type { Change, ClusterHealth } from '../cache.ts';
import type { Row } from '../summary.ts';

export type { Change, ClusterHealth, DiffView, HelmReleaseView, ObjectDetails, Row, ValuesView };

/** SessionInfo is /api/session. */
export interface SessionInfo {
  mode: 'none' | 'token';
  readOnly: boolean;
  user: string;
  csrf: string;
  clusters: ClusterHealth[];
}

/** ApiError is a failed call: the HTTP status and the server's message. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

let csrf = '';

/** setCsrf remembers the session's CSRF token for state-changing calls. */
export function setCsrf(token: string): void {
  csrf = token;
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(method !== 'GET' && csrf ? { 'x-csrf-token': csrf } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'the fluxts UI server is unreachable');
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    throw new ApiError(res.status, text.slice(0, 200));
  }
  if (!res.ok) {
    const message = (data as { error?: string }).error ?? `HTTP ${res.status}`;
    throw new ApiError(res.status, message);
  }
  return data as T;
}

/** objectPath is the API path segment of an object. */
export function objectPath(cluster: string, kind: string, namespace: string, name: string): string {
  return [cluster, kind, namespace, name].map(encodeURIComponent).join('/');
}

export const api = {
  session: () => call<SessionInfo>('GET', '/api/session'),
  login: (token: string) => call<SessionInfo>('POST', '/api/login', { token }),
  logout: () => call<unknown>('POST', '/api/logout', {}),
  object: (path: string) => call<ObjectDetails>('GET', `/api/object/${path}`),
  diff: (path: string) => call<DiffView>('GET', `/api/diff/${path}`),
  values: (path: string) => call<ValuesView>('GET', `/api/values/${path}`),
  action: (path: string, action: string) => call<{ message: string }>('POST', `/api/action/${path}`, { action }),
};

/** Snapshot is the stream's first message. */
export interface Snapshot {
  rows: Row[];
  clusters: ClusterHealth[];
}

/**
 * openStream follows /api/stream: a snapshot, then batched changes. The browser's EventSource reconnects by
 * itself; `onState` tells whether the stream is up, so the page can say it is showing stale data.
 */
export function openStream(handlers: {
  snapshot(s: Snapshot): void;
  change(c: Change): void;
  onState(connected: boolean): void;
}): () => void {
  const source = new EventSource('/api/stream');
  source.addEventListener('snapshot', (e) => {
    handlers.onState(true);
    handlers.snapshot(JSON.parse((e as MessageEvent<string>).data) as Snapshot);
  });
  source.addEventListener('change', (e) => handlers.change(JSON.parse((e as MessageEvent<string>).data) as Change));
  source.addEventListener('error', () => handlers.onState(false));
  return () => source.close();
}
