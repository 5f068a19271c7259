// Pull requests on Gitea (and Forgejo, which keeps Gitea's API) through its REST API v1, for image-automation's
// pull-request mode. `Authorization: token <t>`, as Gitea's description asks (the query-string tokens are
// deprecated there). Gitea's list cannot filter by head branch, so open pull requests into the base are paged
// through and matched on `head.ref` within the same repository.
import type { ChangeRequests, PullRequest } from './change-requests.ts';
import {
  ForgeApiError,
  forgeCall,
  repositoryPath,
  resourceExists,
  webOrigin,
  type ForgeEndpoint,
  type OwnedRepository,
  type ServiceAccess,
} from './http.ts';
import { type DeployKey, type RepositoryHost, type RepositoryRef } from './repositories.ts';

/** GiteaRepository is a repository on Gitea; `api` is `<origin>/api/v1`. */
export type GiteaRepository = OwnedRepository;

/**
 * giteaRepositoryOf derives owner, repository and API base from a clone URL; `api` overrides the base (a Gitea
 * served under a sub-path, or a local endpoint in tests). An SSH URL's API is taken to be HTTPS on the same host.
 */
export function giteaRepositoryOf(cloneUrl: string, token: string, api?: string): Omit<GiteaRepository, 'signal'> {
  const { url, segments } = repositoryPath(cloneUrl, 'Gitea');
  const [owner, repo] = segments.slice(-2) as [string, string];
  const origin = webOrigin(url);
  return { api: (api ?? `${origin}/api/v1`).replace(/\/+$/u, ''), owner, repo, token };
}

interface RawPullRequest {
  number: number;
  html_url: string;
  title: string;
  body: string | null;
  head: { ref: string; repo_id?: number };
  base: { ref: string; repo_id?: number };
}

const toPullRequest = (p: RawPullRequest): PullRequest => ({
  number: p.number,
  url: p.html_url,
  title: p.title,
  body: p.body ?? '',
});

/** Gitea's default maximum page size; more open pull requests into one branch are paged through. */
const PAGE = 50;
/** A bound on paging: a repository with more open pull requests than this into one branch is not ours to scan. */
const MAX_PAGES = 20;

/** giteaPullRequests is the ChangeRequests of one Gitea repository. */
export function giteaPullRequests(gt: GiteaRepository): ChangeRequests {
  const ep: ForgeEndpoint = {
    api: gt.api,
    headers: { Authorization: `token ${gt.token}` },
    ...(gt.signal ? { signal: gt.signal } : {}),
  };
  const repoPath = `/repos/${encodeURIComponent(gt.owner)}/${encodeURIComponent(gt.repo)}`;
  return {
    async findOpen(head, base) {
      for (let page = 1; page <= MAX_PAGES; page++) {
        const q = new URLSearchParams({ state: 'open', base_branch: base, page: String(page), limit: String(PAGE) });
        const list = await forgeCall<RawPullRequest[]>(ep, 'GET', `${repoPath}/pulls?${q.toString()}`);
        // A fork's branch of the same name is not ours: same repository means head and base share the repo id.
        const found = list.find((p) => p.head.ref === head && p.base.ref === base && p.head.repo_id === p.base.repo_id);
        if (found) return toPullRequest(found);
        if (list.length < PAGE) return undefined;
      }
      return undefined;
    },
    async open(pr) {
      return toPullRequest(await forgeCall<RawPullRequest>(ep, 'POST', `${repoPath}/pulls`, pr));
    },
    async update(number, pr) {
      return toPullRequest(await forgeCall<RawPullRequest>(ep, 'PATCH', `${repoPath}/pulls/${number}`, pr));
    },
  };
}

interface RawDeployKey {
  id: number;
  title: string;
  key: string;
  read_only: boolean;
}

/** giteaRepositoryHost is the RepositoryHost of one Gitea repository. */
export function giteaRepositoryHost(api: ServiceAccess, ref: RepositoryRef): RepositoryHost {
  const ep: ForgeEndpoint = {
    api: api.api,
    headers: { Authorization: `token ${api.token}` },
    ...(api.ca !== undefined ? { ca: api.ca } : {}),
    ...(api.signal ? { signal: api.signal } : {}),
  };
  const org = encodeURIComponent(ref.owner);
  const repo = `/repos/${org}/${encodeURIComponent(ref.name)}`;
  return {
    exists: () => resourceExists(ep, repo),
    async create(info) {
      if (info.visibility === 'internal') throw new ForgeApiError('Gitea has no internal visibility', 0);
      const body = {
        name: ref.name,
        private: info.visibility === 'private',
        ...(info.description ? { description: info.description } : {}),
      };
      await forgeCall<unknown>(ep, 'POST', ref.personal ? '/user/repos' : `/orgs/${org}/repos`, body);
    },
    async deployKeys() {
      const keys: DeployKey[] = [];
      for (let page = 1; page <= MAX_PAGES; page++) {
        const list = await forgeCall<RawDeployKey[]>(ep, 'GET', `${repo}/keys?page=${page}&limit=${PAGE}`);
        keys.push(...list.map((k) => ({ id: k.id, title: k.title, key: k.key, readOnly: k.read_only })));
        if (list.length < PAGE) break;
      }
      return keys;
    },
    async addDeployKey(k) {
      await forgeCall<unknown>(ep, 'POST', `${repo}/keys`, { title: k.title, key: k.key, read_only: k.readOnly });
    },
    async deleteDeployKey(id) {
      await forgeCall<unknown>(ep, 'DELETE', `${repo}/keys/${id}`);
    },
    // Gitea grants access per team, not per repository: the team's own permission applies.
    async grantTeam(team) {
      const q = new URLSearchParams({ q: team });
      const found = await forgeCall<{ data?: { id: number; name: string }[] }>(
        ep,
        'GET',
        `/orgs/${org}/teams/search?${q.toString()}`,
      );
      const t = (found.data ?? []).find((x) => x.name === team);
      if (!t) throw new ForgeApiError(`team "${team}" not found in organization "${ref.owner}"`, 404);
      await forgeCall<unknown>(ep, 'PUT', `/teams/${t.id}/repos/${org}/${encodeURIComponent(ref.name)}`);
    },
  };
}
