// Pull requests on GitHub (and GitHub Enterprise) through the REST API, for image-automation's pull-request mode:
// find the open pull request of a head branch, open one, update its title and body. Bearer token, API version
// 2022-11-28.
import type { ChangeRequests, PullRequest } from './change-requests.ts';
import { forgeCall, repositoryPath, type ForgeEndpoint } from './http.ts';

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
  const { url, segments } = repositoryPath(cloneUrl, 'GitHub');
  const [owner, repo] = segments.slice(-2) as [string, string];
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

const endpoint = (gh: GitHubRepository): ForgeEndpoint => ({
  api: gh.api,
  headers: {
    Accept: 'application/vnd.github+json',
    Authorization: `Bearer ${gh.token}`,
    'X-GitHub-Api-Version': '2022-11-28',
  },
  ...(gh.signal ? { signal: gh.signal } : {}),
});

const repoPath = (gh: GitHubRepository): string =>
  `/repos/${encodeURIComponent(gh.owner)}/${encodeURIComponent(gh.repo)}`;

/** githubPullRequests is the ChangeRequests of one GitHub repository. */
export function githubPullRequests(gh: GitHubRepository): ChangeRequests {
  const ep = endpoint(gh);
  return {
    async findOpen(head, base) {
      const q = new URLSearchParams({ state: 'open', head: `${gh.owner}:${head}`, base, per_page: '1' });
      const list = await forgeCall<RawPullRequest[]>(ep, 'GET', `${repoPath(gh)}/pulls?${q.toString()}`);
      return list[0] ? toPullRequest(list[0]) : undefined;
    },
    async open(pr) {
      return toPullRequest(await forgeCall<RawPullRequest>(ep, 'POST', `${repoPath(gh)}/pulls`, pr));
    },
    async update(number, pr) {
      return toPullRequest(await forgeCall<RawPullRequest>(ep, 'PATCH', `${repoPath(gh)}/pulls/${number}`, pr));
    },
  };
}
