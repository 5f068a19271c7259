// Merge requests on GitLab (gitlab.com or self-managed) through the REST API v4, for image-automation's pull-request
// mode. The project is addressed by its URL-encoded path (`group%2Fsub%2Fapp`), so subgroups need no lookup; the
// token goes in `PRIVATE-TOKEN` (personal, project or group access tokens, as GitLab documents).
import type { ChangeRequests, PullRequest } from './change-requests.ts';
import { forgeCall, repositoryPath, type ForgeEndpoint } from './http.ts';

/** GitLabProject names a project and how to reach its API. */
export interface GitLabProject {
  /** api is the REST base: `<origin>/api/v4`. */
  api: string;
  /** project is the full path, `group/subgroup/name`. */
  project: string;
  token: string;
  signal?: AbortSignal;
}

/**
 * gitlabProjectOf derives the project path and API base from a clone URL; `api` overrides the base (GitLab under a
 * relative URL root, whose prefix cannot be told from the project path, or a local endpoint in tests).
 */
export function gitlabProjectOf(cloneUrl: string, token: string, api?: string): Omit<GitLabProject, 'signal'> {
  const { url, segments } = repositoryPath(cloneUrl, 'GitLab');
  const origin = url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : `https://${url.hostname}`;
  return { api: (api ?? `${origin}/api/v4`).replace(/\/+$/u, ''), project: segments.join('/'), token };
}

interface RawMergeRequest {
  iid: number;
  web_url: string;
  title: string;
  description: string | null;
}

const toPullRequest = (m: RawMergeRequest): PullRequest => ({
  number: m.iid,
  url: m.web_url,
  title: m.title,
  body: m.description ?? '',
});

/** gitlabMergeRequests is the ChangeRequests of one GitLab project. */
export function gitlabMergeRequests(gl: GitLabProject): ChangeRequests {
  const ep: ForgeEndpoint = {
    api: gl.api,
    headers: { 'PRIVATE-TOKEN': gl.token },
    ...(gl.signal ? { signal: gl.signal } : {}),
  };
  const mrs = `/projects/${encodeURIComponent(gl.project)}/merge_requests`;
  return {
    async findOpen(head, base) {
      const q = new URLSearchParams({ state: 'opened', source_branch: head, target_branch: base, per_page: '1' });
      const list = await forgeCall<RawMergeRequest[]>(ep, 'GET', `${mrs}?${q.toString()}`);
      return list[0] ? toPullRequest(list[0]) : undefined;
    },
    async open(pr) {
      const body = { source_branch: pr.head, target_branch: pr.base, title: pr.title, description: pr.body };
      return toPullRequest(await forgeCall<RawMergeRequest>(ep, 'POST', mrs, body));
    },
    async update(number, pr) {
      const body = { title: pr.title, description: pr.body };
      return toPullRequest(await forgeCall<RawMergeRequest>(ep, 'PUT', `${mrs}/${number}`, body));
    },
  };
}
