// Public surface of fetchers/forge: pull requests (merge requests on GitLab) on Git hosting services.
import type { ChangeRequests } from './change-requests.ts';
import { giteaPullRequests, giteaRepositoryOf } from './gitea.ts';
import { githubPullRequests, githubRepositoryOf } from './github.ts';
import { gitlabMergeRequests, gitlabProjectOf } from './gitlab.ts';

export type { ChangeRequests, PullRequest } from './change-requests.ts';
export { ForgeApiError, type OwnedRepository, type ServiceAccess } from './http.ts';
export {
  githubApiBase,
  githubPullRequests,
  githubRepositoryHost,
  githubRepositoryOf,
  type GitHubRepository,
} from './github.ts';
export { giteaPullRequests, giteaRepositoryHost, giteaRepositoryOf, type GiteaRepository } from './gitea.ts';
export {
  cloneUrls,
  reconcileDeployKey,
  type DeployKey,
  type RepositoryHost,
  type RepositoryRef,
  type Visibility,
} from './repositories.ts';
export { gitlabMergeRequests, gitlabProjectOf, gitlabRepositoryHost, type GitLabProject } from './gitlab.ts';

/** The services whose change requests fluxts can open. */
export const FORGE_SERVICES = ['github', 'gitlab', 'gitea'] as const;
export type ForgeService = (typeof FORGE_SERVICES)[number];

/**
 * changeRequestsFor binds a service to the repository of a clone URL; `api` overrides the API base derived from the
 * URL (Enterprise or self-managed installs under a sub-path).
 */
export function changeRequestsFor(
  service: ForgeService,
  cloneUrl: string,
  token: string,
  options: { api?: string; signal?: AbortSignal } = {},
): ChangeRequests {
  const signal = options.signal ? { signal: options.signal } : {};
  switch (service) {
    case 'github':
      return githubPullRequests({ ...githubRepositoryOf(cloneUrl, token, options.api), ...signal });
    case 'gitlab':
      return gitlabMergeRequests({ ...gitlabProjectOf(cloneUrl, token, options.api), ...signal });
    case 'gitea':
      return giteaPullRequests({ ...giteaRepositoryOf(cloneUrl, token, options.api), ...signal });
  }
}
