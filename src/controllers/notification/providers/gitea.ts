// Gitea and Forgejo: commit statuses and pull-request comments over the REST API v1 (`Authorization: token`), as
// the Gitea SDK calls it.
import { goJson } from '../go-json.ts';
import { changeRequestNumber, commentBody, commentMarker } from './change-request.ts';
import { apiCall, commitSha, json, ownerRepo, parseGitAddress } from './git.ts';
import { nameAndDescription } from './naming.ts';
import { type NotifierFactory, type ProviderSettings, type SendContext, ProviderConfigError } from './types.ts';

function giteaClient(s: ProviderSettings) {
  const token = s.token || s.password;
  if (!token) throw new ProviderConfigError('gitea token cannot be empty');
  const { host, id } = parseGitAddress(s.address);
  const [owner, repo] = ownerRepo(id);
  const call = async (ctx: SendContext, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) => {
    const res = await apiCall({
      method,
      url: `${host}/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}${path}`,
      headers: { Accept: 'application/json', Authorization: `token ${token}` },
      ...(body === undefined ? {} : { body: goJson(body) }),
      transport: s.transport,
      signal: ctx.signal,
    });
    return json<unknown>(res);
  };
  const user = async (ctx: SendContext) => {
    const res = await apiCall({
      method: 'GET',
      url: `${host}/api/v1/user`,
      headers: { Accept: 'application/json', Authorization: `token ${token}` },
      transport: s.transport,
      signal: ctx.signal,
    });
    return json<{ login?: string; username?: string }>(res);
  };
  return { call, user };
}

interface Status {
  context?: string;
  status?: string;
  state?: string;
  description?: string;
}

export const gitea: NotifierFactory = (s) => {
  if (!s.commitStatus) throw new ProviderConfigError('commit status cannot be empty');
  const client = giteaClient(s);
  return {
    async post(event, ctx) {
      const sha = commitSha(event);
      let state: string;
      if (event.reason === 'Progressing') state = 'pending';
      else if (event.severity === 'info') state = 'success';
      else if (event.severity === 'error') state = 'failure';
      else throw new ProviderConfigError("can't convert to gitea state");
      const { description } = nameAndDescription(event);
      const existing = (await client.call(ctx, 'GET', `/commits/${sha}/statuses?limit=50&page=1`)) as Status[];
      // Gitea lists newest first; the newest status of our context decides whether this one is a duplicate.
      const ours = existing.find((e) => e.context === s.commitStatus && (e.status ?? e.state) && e.description);
      if (ours && (ours.status ?? ours.state) === state && ours.description === description) return;
      await client.call(ctx, 'POST', `/statuses/${encodeURIComponent(sha)}`, {
        state,
        target_url: '',
        description,
        context: s.commitStatus,
      });
    },
  };
};

interface Comment {
  id: number;
  body?: string;
  user?: { login?: string; username?: string };
}

export const giteaPullRequestComment: NotifierFactory = (s) => {
  if (!s.providerUID) throw new ProviderConfigError('provider UID cannot be empty');
  const client = giteaClient(s);
  return {
    async post(event, ctx) {
      const body = commentBody(event, s.providerUID, 'flux-pr-comment-key');
      const pr = changeRequestNumber(event);
      const me = await client.user(ctx);
      const login = me.login ?? me.username;
      const comments = (await client.call(ctx, 'GET', `/issues/${pr}/comments?limit=100&page=1`)) as Comment[];
      const marker = commentMarker(event, s.providerUID, 'flux-pr-comment-key');
      const mine = comments.find(
        (c) => (c.user?.login ?? c.user?.username) === login && (c.body ?? '').includes(marker),
      );
      if (mine) await client.call(ctx, 'PATCH', `/issues/comments/${mine.id}`, { body });
      else await client.call(ctx, 'POST', `/issues/${pr}/comments`, { body });
    },
  };
};
