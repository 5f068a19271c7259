// Merge requests on GitLab (gitlab.com or self-managed) through the REST API v4, for image-automation's pull-request
// mode. The project is addressed by its URL-encoded path (`group%2Fsub%2Fapp`), so subgroups need no lookup; the
// token goes in `PRIVATE-TOKEN` (personal, project or group access tokens, as GitLab documents).
import type { ChangeRequests, PullRequest } from './change-requests.ts';
import {
  ForgeApiError,
  forgeCall,
  repositoryPath,
  resourceExists,
  webOrigin,
  type ForgeEndpoint,
  type ServiceAccess,
} from './http.ts';
import { type DeployKey, type RepositoryHost, type RepositoryRef } from './repositories.ts';

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
  const origin = webOrigin(url);
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

interface RawDeployKey {
  id: number;
  title: string;
  key: string;
  can_push: boolean;
}

/** GitLab's access levels for a shared group, by the permission words flux's --team takes. */
const GROUP_ACCESS: Record<string, number> = { pull: 20, read: 20, push: 30, write: 30, maintain: 40, admin: 50 };

/** GitLab's largest page. */
const PER_PAGE = 100;

/**
 * gitlabRepositoryHost is the RepositoryHost of one GitLab project; the owner is a user or a group path (subgroups
 * as `group/subgroup`). A "team" is a group the project is shared with.
 */
export function gitlabRepositoryHost(api: ServiceAccess, ref: RepositoryRef): RepositoryHost {
  const ep: ForgeEndpoint = {
    api: api.api,
    headers: { 'PRIVATE-TOKEN': api.token },
    ...(api.ca !== undefined ? { ca: api.ca } : {}),
    ...(api.signal ? { signal: api.signal } : {}),
  };
  const project = `/projects/${encodeURIComponent(`${ref.owner}/${ref.name}`)}`;
  const groupId = async (path: string): Promise<number> =>
    (await forgeCall<{ id: number }>(ep, 'GET', `/groups/${encodeURIComponent(path)}`)).id;
  return {
    exists: () => resourceExists(ep, project),
    async create(info) {
      // A personal project goes to the token's user; a group's needs the group's id.
      const namespace = ref.personal ? {} : { namespace_id: await groupId(ref.owner) };
      await forgeCall<unknown>(ep, 'POST', '/projects', {
        name: ref.name,
        path: ref.name,
        ...namespace,
        visibility: info.visibility,
        ...(info.description ? { description: info.description } : {}),
      });
    },
    async deployKeys() {
      const keys: DeployKey[] = [];
      for (let page = 1; ; page++) {
        const list = await forgeCall<RawDeployKey[]>(
          ep,
          'GET',
          `${project}/deploy_keys?per_page=${PER_PAGE}&page=${page}`,
        );
        keys.push(...list.map((k) => ({ id: k.id, title: k.title, key: k.key, readOnly: !k.can_push })));
        if (list.length < PER_PAGE) return keys;
      }
    },
    async addDeployKey(k) {
      await forgeCall<unknown>(ep, 'POST', `${project}/deploy_keys`, {
        title: k.title,
        key: k.key,
        can_push: !k.readOnly,
      });
    },
    async deleteDeployKey(id) {
      await forgeCall<unknown>(ep, 'DELETE', `${project}/deploy_keys/${id}`);
    },
    async grantTeam(team, permission) {
      const access = GROUP_ACCESS[permission];
      if (access === undefined) {
        throw new ForgeApiError(`permission "${permission}" is not one of ${Object.keys(GROUP_ACCESS).join(', ')}`, 0);
      }
      try {
        await forgeCall<unknown>(ep, 'POST', `${project}/share`, {
          group_id: await groupId(team),
          group_access: access,
        });
      } catch (err) {
        // Already shared: GitLab answers 409; the access level stays as it is, as flux's reconcile without --reconcile.
        if ((err as { status?: number }).status !== 409) throw err;
      }
    },
  };
}
