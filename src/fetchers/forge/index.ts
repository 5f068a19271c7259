// Public surface of fetchers/forge: pull requests on Git hosting services (GitHub today).
export {
  findOpenPullRequest,
  ForgeApiError,
  githubRepositoryOf,
  openPullRequest,
  updatePullRequest,
  type GitHubRepository,
  type PullRequest,
} from './github.ts';
