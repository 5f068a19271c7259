// Pull requests on GitHub (and GitHub Enterprise) through the REST API, for image-automation's pull-request mode:
// find the open pull request of a head branch, open one, update its title and body. Bearer token, API version
// 2022-11-28.
import type { ChangeRequests, PullRequest } from './change-requests.ts';
import {
  ForgeApiError,
  forgeCall,
  repositoryPath,
  resourceExists,
  type ForgeEndpoint,
  type OwnedRepository,
  type ServiceAccess,
} from './http.ts';
import { type DeployKey, type RepositoryHost, type RepositoryRef } from './repositories.ts';

/** GitHubRepository is a repository on GitHub; `api` is https://api.github.com or `<origin>/api/v3` (Enterprise). */
export type GitHubRepository = OwnedRepository;

/** githubApiBase is the REST base of a GitHub host: api.github.com for github.com, `<host>/api/v3` for Enterprise. */
export const githubApiBase = (host: string): string =>
  host === 'github.com' ? 'https://api.github.com' : `https://${host}/api/v3`;

/**
 * githubRepositoryOf derives owner, repository and API base from a clone URL (`https://github.com/o/r.git`,
 * `ssh://git@github.com/o/r`); `api` overrides the base (Enterprise, or a local endpoint in tests).
 */
export function githubRepositoryOf(cloneUrl: string, token: string, api?: string): Omit<GitHubRepository, 'signal'> {
  const { url, segments } = repositoryPath(cloneUrl, 'GitHub');
  const [owner, repo] = segments.slice(-2) as [string, string];
  const base = api ?? githubApiBase(url.hostname);
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

interface RawDeployKey {
  id: number;
  title: string;
  key: string;
  read_only: boolean;
}

/** GitHub's largest page. */
const PER_PAGE = 100;

/** githubRepositoryHost is the RepositoryHost of one GitHub repository. */
export function githubRepositoryHost(api: ServiceAccess, ref: RepositoryRef): RepositoryHost {
  const ep: ForgeEndpoint = {
    ...endpoint({ api: api.api, owner: ref.owner, repo: ref.name, token: api.token }),
    ...(api.ca !== undefined ? { ca: api.ca } : {}),
    ...(api.signal ? { signal: api.signal } : {}),
  };
  const repo = `/repos/${encodeURIComponent(ref.owner)}/${encodeURIComponent(ref.name)}`;
  return {
    exists: () => resourceExists(ep, repo),
    async create(info) {
      const base = { name: ref.name, ...(info.description ? { description: info.description } : {}) };
      // A user's repository is private or public; an organization's can also be internal (Enterprise).
      if (ref.personal) {
        if (info.visibility === 'internal') throw new ForgeApiError('internal visibility needs an organization', 0);
        await forgeCall<unknown>(ep, 'POST', '/user/repos', { ...base, private: info.visibility === 'private' });
      } else {
        await forgeCall<unknown>(ep, 'POST', `/orgs/${encodeURIComponent(ref.owner)}/repos`, {
          ...base,
          visibility: info.visibility,
        });
      }
    },
    async deployKeys() {
      const keys: DeployKey[] = [];
      for (let page = 1; ; page++) {
        const list = await forgeCall<RawDeployKey[]>(ep, 'GET', `${repo}/keys?per_page=${PER_PAGE}&page=${page}`);
        keys.push(...list.map((k) => ({ id: k.id, title: k.title, key: k.key, readOnly: k.read_only })));
        if (list.length < PER_PAGE) return keys;
      }
    },
    async addDeployKey(k) {
      await forgeCall<unknown>(ep, 'POST', `${repo}/keys`, { title: k.title, key: k.key, read_only: k.readOnly });
    },
    async deleteDeployKey(id) {
      await forgeCall<unknown>(ep, 'DELETE', `${repo}/keys/${id}`);
    },
    async grantTeam(team, permission) {
      const path = `/orgs/${encodeURIComponent(ref.owner)}/teams/${encodeURIComponent(team)}${repo}`;
      await forgeCall<unknown>(ep, 'PUT', path, { permission });
    },
  };
}
