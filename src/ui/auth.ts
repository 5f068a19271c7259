// Who is asking. Two modes:
// - `none` (the default on a loopback address): the person at this machine, who owns the kubeconfig; the server
//   acts with the kubeconfig's own identity.
// - `token` (forced when the server listens beyond loopback): every request carries a Kubernetes bearer token
//   (an `Authorization: Bearer` header, or a session cookie from the login form). The API server says whose token
//   it is (TokenReview), and the server then acts as that user by impersonation, so Kubernetes RBAC decides.
// Every state-changing request carries the session's CSRF token in a header (double submit: a cross-site form
// cannot set headers, and the token is not readable by another origin).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import { KubeClient, type KubeConfig } from '../kube/index.ts';
import { FluxtsError } from '../util/errors.ts';

/** AuthMode is how requests are authenticated. */
export type AuthMode = 'none' | 'token';

/** Identity is the person a request acts for. */
export interface Identity {
  /** user is the Kubernetes user name (TokenReview's), or '' for the kubeconfig's own identity. */
  user: string;
  groups: string[];
}

/** Session is a signed-in browser (or the single implicit session of `none` mode). */
export interface Session {
  id: string;
  csrf: string;
  identity: Identity;
  expires: number;
}

/** UnauthenticatedError is a request without valid credentials. */
export class UnauthenticatedError extends FluxtsError {}

const SESSION_TTL_MS = 8 * 60 * 60_000;
const REVIEW_CACHE_MS = 60_000;
const token = (): string => randomBytes(32).toString('base64url');

/** sameToken compares two secrets in constant time. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Authenticator turns credentials into sessions and sessions into clients acting as their identity. */
export class Authenticator {
  readonly mode: AuthMode;
  readonly #sessions = new Map<string, Session>();
  readonly #reviews = new Map<string, { identity: Identity; until: number }>();
  readonly #clients = new Map<string, KubeClient>();
  /** local is the one session of `none` mode. */
  readonly local: Session;

  constructor(mode: AuthMode) {
    this.mode = mode;
    this.local = { id: 'local', csrf: token(), identity: { user: '', groups: [] }, expires: Infinity };
  }

  /** review asks the API server whose token this is (TokenReview), cached for a minute by the token's hash. */
  async review(reviewer: KubeClient, bearer: string): Promise<Identity> {
    const key = createHash('sha256').update(bearer).digest('hex');
    const cached = this.#reviews.get(key);
    if (cached && cached.until > Date.now()) return cached.identity;
    const review = await reviewer.create<{
      apiVersion: string;
      kind: string;
      metadata: Record<string, never>;
      spec: { token: string };
      status?: { authenticated?: boolean; user?: { username?: string; groups?: string[] }; error?: string };
    }>({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {}, spec: { token: bearer } });
    const user = review.status?.user;
    if (!review.status?.authenticated || !user?.username) {
      throw new UnauthenticatedError('the token was not accepted by the cluster');
    }
    const identity = { user: user.username, groups: user.groups ?? [] };
    this.#reviews.set(key, { identity, until: Date.now() + REVIEW_CACHE_MS });
    return identity;
  }

  /** login starts a browser session for a reviewed identity. */
  login(identity: Identity): Session {
    this.#prune();
    const session = { id: token(), csrf: token(), identity, expires: Date.now() + SESSION_TTL_MS };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** logout ends a session. */
  logout(id: string): void {
    this.#sessions.delete(id);
  }

  /** session finds a live session by id. */
  session(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.#sessions.get(id);
    if (!s || s.expires < Date.now()) return undefined;
    return s;
  }

  /**
   * clientFor returns the client acting as an identity: the server's own for the local session, else the same
   * cluster and credentials impersonating the user and groups. Cached per identity and cluster.
   */
  clientFor(base: KubeClient, identity: Identity, cluster: string): KubeClient {
    if (!identity.user) return base;
    const key = `${cluster}\n${identity.user}\n${identity.groups.join(',')}`;
    let client = this.#clients.get(key);
    if (!client) {
      const kc: KubeConfig = base.transport.kubeConfig.impersonating(identity.user, identity.groups);
      client = new KubeClient(kc);
      this.#clients.set(key, client);
    }
    return client;
  }

  #prune(): void {
    const now = Date.now();
    for (const [id, s] of this.#sessions) if (s.expires < now) this.#sessions.delete(id);
  }
}
