// Bitbucket Cloud (API 2.0 build statuses, app-password basic auth) and Bitbucket Server / Data Center (REST build
// statuses keyed by the sha1 of the commit status id, bearer token or basic auth).
import { createHash } from 'node:crypto';

import { goJson } from '../go-json.ts';
import { apiCall, commitSha, json, ownerRepo, parseGitAddress } from './git.ts';
import { nameAndDescription } from './naming.ts';
import { type NotifierFactory, ProviderConfigError } from './types.ts';

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function bitbucketState(severity: string): string {
  if (severity === 'info') return 'SUCCESSFUL';
  if (severity === 'error') return 'FAILED';
  throw new ProviderConfigError("can't convert to bitbucket state");
}

export const bitbucket: NotifierFactory = (s) => {
  if (!s.token) throw new ProviderConfigError('bitbucket token cannot be empty');
  if (!s.commitStatus) throw new ProviderConfigError('commit status cannot be empty');
  const { id } = parseGitAddress(s.address);
  const credentials = s.token.split(':');
  if (credentials.length !== 2) {
    throw new ProviderConfigError('invalid token format, expected to be <user>:<password>');
  }
  const [owner, repo] = ownerRepo(id);
  // Flux always calls Bitbucket Cloud's API, whatever host the address names.
  const api = s.endpoints?.bitbucket ?? 'https://api.bitbucket.org/2.0';
  const headers = { Authorization: `Basic ${Buffer.from(s.token).toString('base64')}` };
  return {
    async post(event, ctx) {
      if (event.reason === 'Progressing') return;
      const sha = commitSha(event);
      const state = bitbucketState(event.severity);
      const { name, description } = nameAndDescription(event);
      const key = sha1(s.commitStatus);
      const base = `${api}/repositories/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/commit/${sha}`;
      const found = await apiCall({
        method: 'GET',
        url: `${base}/statuses/build/${key}`,
        headers,
        transport: s.transport,
        signal: ctx.signal,
        allow: [404],
      });
      if (found.status !== 404) {
        const existing = json<{ state?: string; description?: string }>(found);
        if (existing.state === state && existing.description === description) return;
      }
      // The Go client sends the status as a JSON map: keys in sorted order.
      await apiCall({
        method: 'POST',
        url: `${base}/statuses/build`,
        headers,
        body: goJson({ description, key, name, state, url: 'https://bitbucket.org' }),
        transport: s.transport,
        signal: ctx.signal,
      });
    },
  };
};

/** bitbucketServerCommitsUrl turns `https://host/<context>/scm/<project>/<repo>.git` into the commits API URL. */
export function bitbucketServerCommitsUrl(address: string): string {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new ProviderConfigError('could not parse git address');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProviderConfigError(
      `could not parse git address: unsupported scheme type in address: ${url.protocol.replace(':', '')}. Must be http or https`,
    );
  }
  const path = url.pathname.replace(/\.git$/, '');
  const at = path.lastIndexOf('/scm/');
  if (at < 0) {
    throw new ProviderConfigError(
      'could not parse git address: supplied provider address is not http(s) git clone url',
    );
  }
  const parts = path.slice(at + 5).split('/');
  if (parts.length !== 2) throw new ProviderConfigError(`could not parse git address: invalid repository id`);
  return `${url.protocol}//${url.host}${path.slice(0, at)}/rest/api/latest/projects/${parts[0]}/repos/${parts[1]}/commits`;
}

export const bitbucketServer: NotifierFactory = (s) => {
  const commits = bitbucketServerCommitsUrl(s.address);
  if (!s.commitStatus) throw new ProviderConfigError('commit status cannot be empty');
  if (!s.token && (!s.username || !s.password)) {
    throw new ProviderConfigError('invalid credentials, expected to be one of username/password or API Token');
  }
  const headers = {
    Authorization: s.token
      ? `Bearer ${s.token}`
      : `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}`,
    'x-atlassian-token': 'no-check',
    'x-requested-with': 'XMLHttpRequest',
  };
  return {
    async post(event, ctx) {
      if (event.reason === 'Progressing') return;
      const sha = commitSha(event);
      const state = bitbucketState(event.severity);
      const nd = nameAndDescription(event);
      const name = `${nd.name} [${nd.description}]`;
      const key = sha1(s.commitStatus);
      const builds = `${commits}/${sha}/builds`;
      const found = await apiCall({
        method: 'GET',
        url: `${builds}?key=${key}`,
        headers,
        transport: s.transport,
        signal: ctx.signal,
        retry: true,
        allow: [404],
      });
      if (found.status === 200) {
        const e = json<{ key?: string; state?: string; description?: string; name?: string }>(found);
        if (e.key === key && e.state === state && e.description === nd.description && e.name === name) return;
      }
      await apiCall({
        method: 'POST',
        url: builds,
        headers,
        body: `${goJson({ description: nd.description, key, name, state, url: s.address })}\n`,
        transport: s.transport,
        signal: ctx.signal,
        retry: true,
      });
    },
  };
};
