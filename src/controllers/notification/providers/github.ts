// GitHub (and GitHub Enterprise): commit statuses, repository_dispatch, and pull-request comments, over the REST
// API as go-github calls it (Bearer token, API version 2022-11-28, enterprise hosts under /api/v3/).
import { eventToGo, type FluxEvent } from '../event.ts';
import { apiCall, commitSha, encoderBody, json, ownerRepo, parseGitAddress } from './git.ts';
import { githubAppToken } from './github-app.ts';
import { nameAndDescription } from './naming.ts';
import { commentBody, commentMarker, changeRequestNumber } from './change-request.ts';
import { type NotifierFactory, type ProviderSettings, type SendContext, ProviderConfigError } from './types.ts';

interface GitHubRepo {
  api: string;
  owner: string;
  repo: string;
  settings: ProviderSettings;
}

/** githubApiBase is go-github's base URL: api.github.com for github.com, `<host>/api/v3/` for Enterprise. */
export function githubApiBase(host: string, override?: string): string {
  const url = new URL(host);
  if (url.host === 'github.com') return override ?? 'https://api.github.com';
  if (url.host.startsWith('api.') || url.host.includes('.api.')) return host;
  return `${host}/api/v3`;
}

function githubRepo(s: ProviderSettings): GitHubRepo {
  if (!s.token && !s.password && s.secretData['githubAppID'] === undefined) {
    throw new ProviderConfigError('github token or github app details must be specified');
  }
  const { host, id } = parseGitAddress(s.address);
  const [owner, repo] = ownerRepo(id);
  return { api: githubApiBase(host, s.endpoints?.github), owner, repo, settings: s };
}

async function call(
  gh: GitHubRepo,
  ctx: SendContext,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const token = gh.settings.token || gh.settings.password || (await githubAppToken(gh.settings, ctx)).token;
  const res = await apiCall({
    method,
    url: `${gh.api}${path}`,
    headers: {
      Accept: 'application/vnd.github.v3+json',
      Authorization: `Bearer ${token}`,
      'User-Agent': 'go-github/v64.0.0',
      'X-GitHub-Api-Version': '2022-11-28',
    },
    ...(body === undefined ? {} : { body: encoderBody(body) }),
    transport: gh.settings.transport,
    signal: ctx.signal,
  });
  return res.status === 204 || res.body.length === 0 ? undefined : json(res);
}

function repoPath(gh: GitHubRepo): string {
  return `/repos/${encodeURIComponent(gh.owner)}/${encodeURIComponent(gh.repo)}`;
}

interface RepoStatus {
  context?: string;
  state?: string;
  description?: string;
}

export const github: NotifierFactory = (s) => {
  if (!s.commitStatus) throw new ProviderConfigError('commit status cannot be empty');
  const gh = githubRepo(s);
  return {
    async post(event, ctx) {
      if (event.reason === 'Progressing') return;
      const sha = commitSha(event);
      if (event.severity !== 'info' && event.severity !== 'error') {
        throw new ProviderConfigError("can't convert to github state");
      }
      const status = {
        state: event.severity === 'info' ? 'success' : 'failure',
        description: nameAndDescription(event).description,
        context: s.commitStatus,
      };
      const existing = (await call(gh, ctx, 'GET', `${repoPath(gh)}/commits/${sha}/statuses?per_page=50`)) as
        RepoStatus[] | undefined;
      // The newest status of our context decides (GitHub lists newest first); an identical one is not posted again.
      const latest = (existing ?? []).find(
        (e) => e.context === status.context && typeof e.state === 'string' && typeof e.description === 'string',
      );
      if (latest && latest.state === status.state && latest.description === status.description) return;
      await call(gh, ctx, 'POST', `${repoPath(gh)}/statuses/${sha}`, status);
    },
  };
};

export const githubDispatch: NotifierFactory = (s) => {
  const gh = githubRepo(s);
  return {
    async post(event: FluxEvent, ctx) {
      const io = event.involvedObject;
      await call(gh, ctx, 'POST', `${repoPath(gh)}/dispatches`, {
        event_type: `${io.kind}/${io.name}.${io.namespace}`,
        client_payload: eventToGo(event),
      });
    },
  };
};

interface IssueComment {
  id: number;
  body?: string;
  user?: { login?: string };
}

export const githubPullRequestComment: NotifierFactory = (s) => {
  if (!s.providerUID) throw new ProviderConfigError('provider UID cannot be empty');
  const gh = githubRepo(s);
  return {
    async post(event, ctx) {
      const body = commentBody(event, s.providerUID, 'flux-pr-comment-key');
      const pr = changeRequestNumber(event);
      const app = s.token || s.password ? undefined : await githubAppToken(s, ctx);
      const login = app?.slug
        ? `${app.slug}[bot]`
        : ((await call(gh, ctx, 'GET', '/user')) as { login?: string } | undefined)?.login;
      const comments = (await call(
        gh,
        ctx,
        'GET',
        // GitHub lists an issue's comments by ascending id; sort and direction are not parameters of this operation.
        `${repoPath(gh)}/issues/${pr}/comments?per_page=100`,
      )) as IssueComment[];
      const marker = commentMarker(event, s.providerUID, 'flux-pr-comment-key');
      const mine = comments.find((c) => c.user?.login === login && (c.body ?? '').includes(marker));
      if (mine) await call(gh, ctx, 'PATCH', `${repoPath(gh)}/issues/comments/${mine.id}`, { body });
      else await call(gh, ctx, 'POST', `${repoPath(gh)}/issues/${pr}/comments`, { body });
    },
  };
};
