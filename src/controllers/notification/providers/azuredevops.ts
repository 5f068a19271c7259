// Azure DevOps: Git commit statuses (REST API 6.0-preview.1) with a personal access token.
import { goJson } from '../go-json.ts';
import { apiCall, commitSha, json, parseGitAddress } from './git.ts';
import { nameAndDescription } from './naming.ts';
import { type NotifierFactory, ProviderConfigError } from './types.ts';

interface GitStatus {
  state?: string;
  description?: string;
  context?: { name?: string; genre?: string };
}

export const azuredevops: NotifierFactory = (s) => {
  if (!s.token) {
    throw new ProviderConfigError(
      'failed to acquire azure devops token: workload identity is not supported by fluxts; set the token key',
    );
  }
  const { host, id } = parseGitAddress(s.address);
  if (!s.commitStatus) throw new ProviderConfigError('commit status cannot be empty');
  const parts = id.split('/');
  if (parts.length !== 4) throw new ProviderConfigError(`invalid repository id "${id}"`);
  const [org, project, , repo] = parts as [string, string, string, string];
  const url =
    `${host}/${org}/${encodeURIComponent(project)}/_apis/git/repositories/${encodeURIComponent(repo)}` + `/commits/`;
  const headers = {
    Accept: 'application/json',
    Authorization: `Basic ${Buffer.from(`:${s.token}`).toString('base64')}`,
  };
  return {
    async post(event, ctx) {
      if (event.reason === 'Progressing') return;
      const sha = commitSha(event);
      if (event.severity !== 'info' && event.severity !== 'error') {
        throw new ProviderConfigError("can't convert to azure devops state");
      }
      const state = event.severity === 'info' ? 'succeeded' : 'error';
      const summary = event.metadata?.['summary'];
      const genre = summary !== undefined ? `fluxcd:${summary}` : 'fluxcd';
      const { description } = nameAndDescription(event);
      const statusesUrl = `${url}${sha}/statuses?api-version=6.0-preview.1`;
      const list = json<{ value?: GitStatus[] }>(
        await apiCall({ method: 'GET', url: statusesUrl, headers, transport: s.transport, signal: ctx.signal }),
      );
      const ours = (list.value ?? []).find(
        (e) =>
          e.context?.name === s.commitStatus && e.context.genre === genre && e.state !== undefined && e.description,
      );
      if (ours && ours.state === state && ours.description === description) return;
      await apiCall({
        method: 'POST',
        url: statusesUrl,
        headers,
        body: goJson({ context: { genre, name: s.commitStatus }, description, state }),
        transport: s.transport,
        signal: ctx.signal,
      });
    },
  };
};
