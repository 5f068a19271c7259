// Azure DevOps: Git commit statuses (REST API 6.0-preview.1) with a personal access token (Basic), or without one
// an Entra ID token for Azure DevOps from workload identity (Bearer).
import { goJson } from '../go-json.ts';
import { apiCall, commitSha, json, parseGitAddress } from './git.ts';
import { nameAndDescription } from './naming.ts';
import { type NotifierFactory, ProviderConfigError, type WorkloadIdentity } from './types.ts';

interface GitStatus {
  state?: string;
  description?: string;
  context?: { name?: string; genre?: string };
}

/** DEVOPS_SCOPE is Azure DevOps' Entra ID resource (its well-known application id) with `.default`. */
export const DEVOPS_SCOPE = '499b84ac-1321-427f-aa17-267ca6975798/.default';

export const azuredevops: NotifierFactory = (s) => {
  if (s.token && s.serviceAccountName) {
    throw new ProviderConfigError('serviceAccountName and token authentication cannot be set at the same time');
  }
  const identity = s.identity;
  if (!s.token && !identity) throw new ProviderConfigError('azure devops token cannot be empty');
  const { host, id } = parseGitAddress(s.address);
  if (!s.commitStatus) throw new ProviderConfigError('commit status cannot be empty');
  const parts = id.split('/');
  if (parts.length !== 4) throw new ProviderConfigError(`invalid repository id "${id}"`);
  const [org, project, , repo] = parts as [string, string, string, string];
  const url =
    `${host}/${org}/${encodeURIComponent(project)}/_apis/git/repositories/${encodeURIComponent(repo)}` + `/commits/`;
  const authorization = async (signal: AbortSignal): Promise<string> => {
    if (s.token) return `Basic ${Buffer.from(`:${s.token}`).toString('base64')}`;
    try {
      return `Bearer ${(await (identity as WorkloadIdentity).azureAccessToken(DEVOPS_SCOPE, signal)).token}`;
    } catch (err) {
      throw new ProviderConfigError(`failed to acquire azure devops token: ${(err as Error).message}`, { cause: err });
    }
  };
  return {
    async post(event, ctx) {
      if (event.reason === 'Progressing') return;
      const headers = { Accept: 'application/json', Authorization: await authorization(ctx.signal) };
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
