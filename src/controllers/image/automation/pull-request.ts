// The pull-request mode (beyond Flux: image-automation-controller's longest-standing request). Opted into with
// annotations, so the ImageUpdateAutomation stays Flux's v1 object: the automation pushes to `git.push.branch` and
// opens a pull request from it into the checkout branch, or updates the one that is open. While no pull request is
// open, the push branch starts anew from the checkout branch, so a merged or closed pull request never drags its
// old commits into the next one.
//
//   metadata:
//     annotations:
//       image.fluxts.io/pull-request: github              # the service: github, gitlab (merge requests) or gitea
//       image.fluxts.io/pull-request-secret: github-token # Secret in the automation's namespace, key `token`
//       image.fluxts.io/pull-request-api: https://ghe.example.com/api/v3   # optional; derived from the URL
//
// The API base is derived from the GitRepository's URL: api.github.com or `<host>/api/v3` (Enterprise) for GitHub,
// `<origin>/api/v4` for GitLab, `<origin>/api/v1` for Gitea; the annotation overrides it (an install under a path).
import { ImageReason, type GitRepository, type ImageUpdateAutomation } from '../../../api/index.ts';
import {
  changeRequestsFor,
  FORGE_SERVICES,
  type ChangeRequests,
  type ForgeService,
  type PullRequest,
} from '../../../fetchers/forge/index.ts';
import { StepError, type StepContext } from '../../../runtime/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import { readSecretData } from '../../source/index.ts';

export const PULL_REQUEST_ANNOTATION = 'image.fluxts.io/pull-request';
export const PULL_REQUEST_SECRET_ANNOTATION = 'image.fluxts.io/pull-request-secret';
export const PULL_REQUEST_API_ANNOTATION = 'image.fluxts.io/pull-request-api';
const TOKEN_KEY = 'token';

/** PullRequestMode is the validated opt-in. */
export interface PullRequestMode {
  provider: ForgeService;
  secretName: string;
  api?: string;
  /** base is the branch pull requests go into (the checkout branch); head the push branch. */
  base: string;
  head: string;
}

const invalid = (message: string): StepError =>
  new StepError(ImageReason.InvalidSourceConfiguration, `invalid pull-request configuration: ${message}`, {
    terminal: true,
  });

const isForgeService = (s: string): s is ForgeService => (FORGE_SERVICES as readonly string[]).includes(s);

/**
 * pullRequestModeOf reads the annotations; undefined when the mode is off. A mode that cannot work (another
 * service, no Secret, no distinct push branch) stalls with InvalidSourceConfiguration.
 */
export function pullRequestModeOf(
  obj: ImageUpdateAutomation,
  checkoutBranch: string | undefined,
  pushBranch: string,
): PullRequestMode | undefined {
  const annotations = obj.metadata.annotations ?? {};
  const provider = annotations[PULL_REQUEST_ANNOTATION];
  if (provider === undefined || provider === '') return undefined;
  if (!isForgeService(provider)) {
    throw invalid(`service '${provider}' is not supported: use one of ${FORGE_SERVICES.join(', ')}`);
  }
  const secretName = annotations[PULL_REQUEST_SECRET_ANNOTATION];
  if (!secretName) throw invalid(`annotation '${PULL_REQUEST_SECRET_ANNOTATION}' must name a Secret with a token`);
  if (!checkoutBranch) throw invalid('the checkout ref must be a branch, the base of the pull requests');
  if (pushBranch === checkoutBranch) {
    throw invalid(`spec.git.push.branch must name a branch other than the checkout branch '${checkoutBranch}'`);
  }
  const api = annotations[PULL_REQUEST_API_ANNOTATION];
  return { provider, secretName, ...(api ? { api } : {}), base: checkoutBranch, head: pushBranch };
}

/** PullRequests is the mode bound to one repository for one run. */
export interface PullRequests {
  mode: PullRequestMode;
  /** open is the pull request that was open when the run started. */
  open: PullRequest | undefined;
  /** ensure updates the open pull request with the commit message, or opens one. */
  ensure(message: string): Promise<{ pr: PullRequest; opened: boolean }>;
}

const failed = (err: unknown): StepError =>
  new StepError(ImageReason.GitOperationFailed, `failed to update pull request: ${errorMessage(err)}`, {
    cause: err,
  });

/** pullRequestsFor reads the token and looks up the open pull request of the push branch. */
export async function pullRequestsFor(
  obj: ImageUpdateAutomation,
  source: GitRepository,
  mode: PullRequestMode,
  ctx: StepContext,
): Promise<PullRequests> {
  let forge: ChangeRequests;
  let open: PullRequest | undefined;
  try {
    const ns = obj.metadata.namespace ?? '';
    const data = await readSecretData(ctx.manager.client, ns, mode.secretName, 'pull-request token');
    const token = data[TOKEN_KEY];
    if (!token) throw new Error(`secret '${ns}/${mode.secretName}' has no '${TOKEN_KEY}' key`);
    forge = changeRequestsFor(mode.provider, source.spec.url, Buffer.from(token).toString('utf8'), {
      ...(mode.api ? { api: mode.api } : {}),
      signal: ctx.request.signal,
    });
    open = await forge.findOpen(mode.head, mode.base);
  } catch (err) {
    throw failed(err);
  }
  return {
    mode,
    open,
    async ensure(message) {
      const newline = message.indexOf('\n');
      const title = (newline < 0 ? message : message.slice(0, newline)).trim() || 'Update images';
      const body = `${newline < 0 ? '' : message.slice(newline + 1).trim()}\n\n---\nOpened by fluxts image automation \`${obj.metadata.namespace}/${obj.metadata.name}\`.`;
      try {
        if (open) return { pr: await forge.update(open.number, { title, body }), opened: false };
        return { pr: await forge.open({ head: mode.head, base: mode.base, title, body }), opened: true };
      } catch (err) {
        throw failed(err);
      }
    },
  };
}
