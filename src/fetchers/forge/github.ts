// Pull requests on GitHub (and GitHub Enterprise) through the REST API, for image-automation's pull-request mode:
// find the open pull request of a head branch, open one, update its title and body. Bearer token, API version
// 2022-11-28; errors carry the HTTP status and GitHub's message, never the token.
import { FluxtsError } from '../../util/errors.ts';

/** ForgeApiError: the API refused or failed a call; `status` is the HTTP status (0 when none was received). */
export class ForgeApiError extends FluxtsError {
  readonly status: number;
  constructor(message: string, status: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

/** PullRequest is what the automation needs of one. */
export interface PullRequest {
  number: number;
  url: string;
  title: string;
  body: string;
}

/** GitHubRepository names a repository and how to reach its API. */
export interface GitHubRepository {
  /** api is the REST base: https://api.github.com, or `<origin>/api/v3` for Enterprise. */
  api: string;
  owner: string;
  repo: string;
  token: string;
  signal?: AbortSignal;
}

/**
 * githubRepositoryOf derives owner, repository and API base from a clone URL (`https://github.com/o/r.git`,
 * `ssh://git@github.com/o/r`); `api` overrides the base (Enterprise, or a local endpoint in tests).
 */
export function githubRepositoryOf(cloneUrl: string, token: string, api?: string): Omit<GitHubRepository, 'signal'> {
  let url: URL;
  try {
    url = new URL(cloneUrl);
  } catch (cause) {
    throw new ForgeApiError(`cannot derive a GitHub repository from '${cloneUrl}'`, 0, { cause });
  }
  const parts = url.pathname
    .replace(/\.git$/u, '')
    .split('/')
    .filter(Boolean);
  if (parts.length < 2) {
    throw new ForgeApiError(`cannot derive owner and repository from '${url.origin}${url.pathname}'`, 0);
  }
  const [owner, repo] = parts.slice(-2) as [string, string];
  const base = api ?? (url.hostname === 'github.com' ? 'https://api.github.com' : `https://${url.hostname}/api/v3`);
  return { api: base.replace(/\/+$/u, ''), owner, repo, token };
}

interface RawPullRequest {
  number: number;
  html_url: string;
  title: string;
  body: string | null;
}

const toPullRequest = (p: RawPullRequest): PullRequest => ({
  number: p.number,
  url: p.html_url,
  title: p.title,
  body: p.body ?? '',
});

async function call<T>(gh: GitHubRepository, method: string, path: string, body?: unknown): Promise<T> {
  const where = `${method} ${gh.api}${path.split('?')[0]}`;
  let res: Response;
  try {
    res = await fetch(`${gh.api}${path}`, {
      method,
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${gh.token}`,
        'X-GitHub-Api-Version': '2022-11-28',
        'User-Agent': 'fluxts-image-automation-controller',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(gh.signal ? { signal: gh.signal } : {}),
    });
  } catch (cause) {
    throw new ForgeApiError(`${where}: ${cause instanceof Error ? cause.message : String(cause)}`, 0, { cause });
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // not JSON: keep the text
    }
    throw new ForgeApiError(`${where}: ${res.status} ${message}`, res.status);
  }
  return JSON.parse(text) as T;
}

const repoPath = (gh: GitHubRepository): string =>
  `/repos/${encodeURIComponent(gh.owner)}/${encodeURIComponent(gh.repo)}`;

/** findOpenPullRequest returns the open pull request from `head` into `base`, if there is one. */
export async function findOpenPullRequest(
  gh: GitHubRepository,
  head: string,
  base: string,
): Promise<PullRequest | undefined> {
  const q = new URLSearchParams({ state: 'open', head: `${gh.owner}:${head}`, base, per_page: '1' });
  const list = await call<RawPullRequest[]>(gh, 'GET', `${repoPath(gh)}/pulls?${q.toString()}`);
  return list[0] ? toPullRequest(list[0]) : undefined;
}

/** openPullRequest opens a pull request from `head` into `base`. */
export async function openPullRequest(
  gh: GitHubRepository,
  pr: { head: string; base: string; title: string; body: string },
): Promise<PullRequest> {
  return toPullRequest(await call<RawPullRequest>(gh, 'POST', `${repoPath(gh)}/pulls`, pr));
}

/** updatePullRequest sets the title and body of an open pull request. */
export async function updatePullRequest(
  gh: GitHubRepository,
  number: number,
  pr: { title: string; body: string },
): Promise<PullRequest> {
  return toPullRequest(await call<RawPullRequest>(gh, 'PATCH', `${repoPath(gh)}/pulls/${number}`, pr));
}
