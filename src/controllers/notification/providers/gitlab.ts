// GitLab: commit statuses and merge-request notes over the REST API v4 (PRIVATE-TOKEN header), as GitLab's Go
// client calls it.
import { goJson } from '../go-json.ts';
import { changeRequestNumber, commentBody, commentMarker } from './change-request.ts';
import { apiCall, commitSha, json, parseGitAddress } from './git.ts';
import { nameAndDescription } from './naming.ts';
import { type NotifierFactory, type ProviderSettings, type SendContext, ProviderConfigError } from './types.ts';

/** projectPath is the client's PathEscape: the whole project path as one segment, dots escaped too. */
export function projectPath(id: string): string {
  return encodeURIComponent(id).replace(/\./g, '%2E');
}

function gitlabClient(s: ProviderSettings) {
  const token = s.token || s.password;
  if (!token) throw new ProviderConfigError('gitlab token cannot be empty');
  const { host, id } = parseGitAddress(s.address);
  const api = `${host}/api/v4`;
  const call = async (ctx: SendContext, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) => {
    const res = await apiCall({
      method,
      url: `${api}${path}`,
      headers: { Accept: 'application/json', 'PRIVATE-TOKEN': token, 'User-Agent': 'go-gitlab' },
      ...(body === undefined ? {} : { body: goJson(body) }),
      transport: s.transport,
      signal: ctx.signal,
    });
    return json<unknown>(res);
  };
  return { project: projectPath(id), call };
}

interface CommitStatus {
  sha?: string;
  status?: string;
  name?: string;
  description?: string;
}

export const gitlab: NotifierFactory = (s) => {
  const client = gitlabClient(s);
  if (!s.commitStatus) throw new ProviderConfigError('commit status cannot be empty');
  return {
    async post(event, ctx) {
      if (event.reason === 'Progressing') return;
      const sha = commitSha(event);
      if (event.severity !== 'info' && event.severity !== 'error') {
        throw new ProviderConfigError("can't convert to gitlab state");
      }
      const state = event.severity === 'info' ? 'success' : 'failed';
      const { description } = nameAndDescription(event);
      const query = new URLSearchParams({ name: s.commitStatus }).toString();
      const existing = (await client.call(
        ctx,
        'GET',
        `/projects/${client.project}/repository/commits/${sha}/statuses?${query}`,
      )) as CommitStatus[];
      const duplicate = existing.some(
        (e) => e.sha === sha && e.status === state && e.description === description && e.name === s.commitStatus,
      );
      if (duplicate) return;
      await client.call(ctx, 'POST', `/projects/${client.project}/statuses/${sha}`, {
        state,
        name: s.commitStatus,
        description,
      });
    },
  };
};

interface Note {
  id: number;
  body?: string;
  author?: { username?: string };
}

export const gitlabMergeRequestComment: NotifierFactory = (s) => {
  if (!s.providerUID) throw new ProviderConfigError('provider UID cannot be empty');
  const client = gitlabClient(s);
  return {
    async post(event, ctx) {
      const body = commentBody(event, s.providerUID, 'flux-mr-comment-key');
      const mr = changeRequestNumber(event);
      const user = (await client.call(ctx, 'GET', '/user')) as { username?: string };
      const notesPath = `/projects/${client.project}/merge_requests/${mr}/notes`;
      const notes = (await client.call(ctx, 'GET', `${notesPath}?order_by=created_at&per_page=100&sort=asc`)) as Note[];
      const marker = commentMarker(event, s.providerUID, 'flux-mr-comment-key');
      const mine = notes.find((n) => n.author?.username === user.username && (n.body ?? '').includes(marker));
      if (mine) await client.call(ctx, 'PUT', `${notesPath}/${mine.id}`, { body });
      else await client.call(ctx, 'POST', notesPath, { body });
    },
  };
};
