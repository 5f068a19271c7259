// The ImageUpdateAutomation pipeline (image-automation-controller `reconcile`, flux-api.md §7.3): the selected
// ImagePolicies → the GitRepository and its credentials → checkout (skipped when neither the policies nor the
// remote moved since the last run) → Setters over `update.path` → nothing changed: "repository up-to-date" →
// else commit (author, message template, optional OpenPGP signature) and push (branch, refspec, options), retried
// when the branch moved → status lastPushCommit, lastPushTime, observedPolicies, observedSourceRevision.
import {
  ConditionType,
  ImageReason,
  Reason,
  type GitRepository,
  type ImagePolicy,
  type ImageUpdateAutomation,
} from '../../../api/index.ts';
import {
  CommitMessageError,
  RemovedTemplateFieldError,
  renderCommitMessage,
  updateWithSetters,
  type UpdateResult,
} from '../../../engines/setters/index.ts';
import { openPgpSigner, UpdateCheckout, type CommitSigner, type GitReference } from '../../../fetchers/git/index.ts';
import {
  conditions,
  parseDuration,
  requeueAfter,
  StepError,
  type Result,
  type StepContext,
} from '../../../runtime/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import { InvalidLabelSelectorError } from '../../common/index.ts';
import { readGitAuth, readSecretData, type GitAuth } from '../../source/index.ts';
import { readCandidates, resolveUpdatePath, writeUpdates } from './files.ts';
import { observedPoliciesChanged, selectPolicies } from './policies.ts';
import { pullRequestModeOf, pullRequestsFor, type PullRequests } from './pull-request.ts';
import { pushWithRetry } from './push-retry.ts';

/** READY_MESSAGE is Flux's Ready message after every successful run. */
export const READY_MESSAGE = 'repository up-to-date';

/** AutomationDeps: the caches the reconciler reads and the cross-namespace rule. */
export interface AutomationDeps {
  noCrossNamespaceRefs: boolean;
  /** policiesIn lists a namespace's ImagePolicies from the informer cache. */
  policiesIn(namespace: string): ImagePolicy[];
  /** getGitRepository reads a GitRepository from the informer cache; undefined when absent. */
  getGitRepository(namespace: string, name: string): GitRepository | undefined;
  /** pushRetryBaseDelayMs shortens the push retry's first delay (tests); 2 s by default. */
  pushRetryBaseDelayMs?: number;
}

type Status = NonNullable<ImageUpdateAutomation['status']>;

/** Pushed is one commit that reached the remote. */
interface Pushed {
  sha: string;
  message: string;
}

const invalidSource = (message: string): StepError =>
  new StepError(ImageReason.InvalidSourceConfiguration, `invalid source configuration: ${message}`, {
    terminal: true,
  });

/** reconcileImageUpdateAutomation runs the pipeline for one automation (see the file comment). */
export async function reconcileImageUpdateAutomation(
  obj: ImageUpdateAutomation,
  ctx: StepContext,
  deps: AutomationDeps,
): Promise<Result> {
  const status: Status = (obj.status ??= {});
  const ns = obj.metadata.namespace ?? '';
  const generation = obj.metadata.generation ?? 0;
  const interval = parseDuration(obj.spec.interval);
  status.lastAutomationRunTime = conditions.nowSeconds();
  const progress =
    status.observedGeneration !== generation
      ? `processing object: new generation ${status.observedGeneration ?? 0} -> ${generation}`
      : 'reconciliation in progress';
  conditions.markReconciling(obj, Reason.Progressing, progress);
  if (!conditions.isTrue(obj, ConditionType.Ready)) {
    conditions.markUnknown(obj, ConditionType.Ready, Reason.Progressing, progress);
  }

  // 1. The policies, and whether they changed since the last run.
  let selected: ReturnType<typeof selectPolicies>;
  try {
    selected = selectPolicies(deps.policiesIn(ns), obj.spec.policySelector);
  } catch (err) {
    if (!(err instanceof InvalidLabelSelectorError)) throw err;
    throw new StepError(ImageReason.InvalidPolicySelector, `failed to parse policy selector: ${err.message}`, {
      terminal: true,
    });
  }
  if ((obj.spec.update?.strategy ?? 'Setters') !== 'Setters') {
    throw new StepError(
      ImageReason.InvalidUpdateStrategy,
      `update strategy '${obj.spec.update?.strategy}' not supported`,
      {
        terminal: true,
      },
    );
  }

  // 2. The source, its credentials, and where to check out and push.
  const source = sourceOf(obj, deps);
  const gitSpec = obj.spec.git;
  if (!gitSpec) throw invalidSource(`source kind 'GitRepository' necessitates field .spec.git`);
  const checkoutRef: GitReference = gitSpec.checkout?.ref ?? source.spec.ref ?? {};
  const pushBranch = gitSpec.push?.branch || checkoutRef.branch;
  if (!pushBranch) {
    throw invalidSource(
      'push branch not provided, and cannot be inferred from .spec.git.checkout.ref or GitRepository .spec.ref',
    );
  }
  let auth: GitAuth;
  try {
    auth = await readGitAuth(ctx.manager.client, source);
  } catch (err) {
    throw new StepError(ImageReason.SourceManagerFailed, `failed configuring source manager: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  const switchBranch = checkoutRef.branch !== pushBranch;
  const prMode = pullRequestModeOf(obj, checkoutRef.branch, pushBranch);
  const pullRequests: PullRequests | undefined = prMode ? await pullRequestsFor(obj, source, prMode, ctx) : undefined;
  const syncNeeded =
    observedPoliciesChanged(status.observedPolicies, selected.observed) ||
    switchBranch ||
    !!gitSpec.push?.refspec ||
    status.observedGeneration !== generation;

  // 3. The checkout, unless nothing moved.
  const timeoutMs = parseDuration(source.spec.timeout ?? '60s');
  let wt: UpdateCheckout | 'unchanged';
  try {
    wt = await UpdateCheckout.openIfChanged(
      {
        url: source.spec.url,
        dir: `${await ctx.workDir()}/checkout`,
        ...auth,
        checkoutRef,
        pushBranch,
        timeoutMs,
        // Pull-request mode: without an open pull request the branch starts anew from the base.
        ...(pullRequests ? { freshPushBranch: pullRequests.open === undefined } : {}),
      },
      syncNeeded ? undefined : status.observedSourceRevision,
    );
  } catch (err) {
    throw new StepError(ImageReason.GitOperationFailed, `failed to checkout source: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  if (wt === 'unchanged') {
    ctx.request.log.debug('no change since last reconciliation');
    return upToDate(obj, ctx, interval);
  }
  try {
    ctx.setRevision(wt.revision);
    const checkout = wt;
    const apply = async (): Promise<UpdateResult> => {
      try {
        const dir = await resolveUpdatePath(checkout.dir, obj.spec.update?.path);
        const result = updateWithSetters(await readCandidates(dir), selected.policies);
        await writeUpdates(dir, result.files);
        for (const u of result.unknownSetters) {
          ctx.request.log.info(`marker in ${u.path} names '${u.setter}', which is no selected ImagePolicy`);
        }
        return result;
      } catch (err) {
        throw new StepError(ImageReason.UpdateFailed, `failed to apply policies: ${errorMessage(err)}`, {
          cause: err,
        });
      }
    };
    const first = await apply();
    if (first.files.length === 0) {
      status.observedSourceRevision = wt.revision;
      status.observedPolicies = selected.observed;
      return upToDate(obj, ctx, interval);
    }

    // 4. Commit and push, again on a fresh tree while the branch keeps moving.
    ctx.progress(Reason.Progressing, `pushing to branch '${pushBranch}'`);
    let signer: CommitSigner | undefined;
    const commitAndPush = async (result: UpdateResult): Promise<Pushed> => {
      const message = commitMessage(obj, result);
      signer ??= await signerOf(obj, ctx);
      const author = { name: gitSpec.commit.author.name ?? '', email: gitSpec.commit.author.email, date: new Date() };
      const sha = await checkout.commitAll(author, message, signer);
      if (sha === undefined) throw new Error('nothing to commit after the update');
      await checkout.push({
        force: switchBranch,
        ...(gitSpec.push?.refspec ? { refspec: gitSpec.push.refspec } : {}),
        ...(gitSpec.push?.options ? { options: gitSpec.push.options } : {}),
      });
      return { sha, message };
    };
    let pushed: Pushed | undefined;
    try {
      pushed = await pushWithRetry(
        first,
        commitAndPush,
        async () => {
          await checkout.refresh();
          const again = await apply();
          return again.files.length === 0 ? undefined : again;
        },
        {
          intervalMs: interval,
          signal: ctx.request.signal,
          ...(deps.pushRetryBaseDelayMs !== undefined ? { baseDelayMs: deps.pushRetryBaseDelayMs } : {}),
          onRetry: (attempt, delayMs, err) =>
            ctx.request.log.info(`push failed, retrying (attempt ${attempt}, in ${delayMs} ms): ${err.message}`),
        },
      );
    } catch (err) {
      if (err instanceof StepError) throw err;
      throw new StepError(ImageReason.GitOperationFailed, `failed to update source: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    status.observedPolicies = selected.observed;
    if (!pushed) {
      ctx.request.log.info('the remote already has the changes, nothing left to push');
      status.observedSourceRevision = switchBranch ? wt.revision : `${pushBranch}@sha1:${await checkout.head()}`;
      return upToDate(obj, ctx, interval);
    }
    status.observedSourceRevision = switchBranch ? wt.revision : `${pushBranch}@sha1:${pushed.sha}`;
    status.lastPushCommit = pushed.sha;
    status.lastPushTime = conditions.nowSeconds();
    ctx.event('info', Reason.Succeeded, `pushed commit '${pushed.sha}' to '${pushBranch}'\n${pushed.message}`, {
      revision: `${pushBranch}@sha1:${pushed.sha}`,
    });
    if (pullRequests) {
      const { pr, opened } = await pullRequests.ensure(pushed.message);
      ctx.event('info', Reason.Succeeded, `${opened ? 'opened' : 'updated'} pull request #${pr.number} ${pr.url}`);
    }
    conditions.markTrue(obj, ConditionType.Ready, Reason.Succeeded, READY_MESSAGE);
    return requeueAfter(interval);
  } finally {
    await wt.close();
  }
}

/** upToDate: Ready True with Flux's message; an event only when it was not Ready before (a recovery). */
function upToDate(obj: ImageUpdateAutomation, ctx: StepContext, interval: number): Result {
  const wasReady = conditions.isTrue(obj, ConditionType.Ready);
  conditions.markTrue(obj, ConditionType.Ready, Reason.Succeeded, READY_MESSAGE);
  if (!wasReady) ctx.event('info', Reason.Succeeded, READY_MESSAGE);
  return requeueAfter(interval);
}

/** sourceOf reads the GitRepository the automation names, under the cross-namespace rule. */
function sourceOf(obj: ImageUpdateAutomation, deps: AutomationDeps): GitRepository {
  const ref = obj.spec.sourceRef;
  const ns = obj.metadata.namespace ?? '';
  const namespace = ref.namespace || ns;
  if ((ref.kind ?? 'GitRepository') !== 'GitRepository') {
    throw invalidSource(`source kind '${ref.kind}' not supported`);
  }
  if (deps.noCrossNamespaceRefs && namespace !== ns) {
    throw new StepError(
      Reason.AccessDenied,
      `can't access 'GitRepository/${namespace}/${ref.name}', cross-namespace references have been blocked`,
      { terminal: true },
    );
  }
  const source = deps.getGitRepository(namespace, ref.name);
  if (!source) {
    throw new StepError(
      ImageReason.SourceManagerFailed,
      `failed configuring source manager: failed to get source: gitrepositories.source.toolkit.fluxcd.io "${ref.name}" not found`,
    );
  }
  return source;
}

/** commitMessage renders the template; a removed field stalls, any other template error fails the update. */
function commitMessage(obj: ImageUpdateAutomation, result: UpdateResult): string {
  try {
    return renderCommitMessage(obj.spec.git?.commit.messageTemplate, {
      automation: { namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' },
      fileChanges: result.fileChanges,
      ...(obj.spec.git?.commit.messageTemplateValues ? { values: obj.spec.git.commit.messageTemplateValues } : {}),
    });
  } catch (err) {
    if (err instanceof RemovedTemplateFieldError) {
      throw new StepError(ImageReason.RemovedTemplateField, err.message, { terminal: true });
    }
    if (err instanceof CommitMessageError) {
      throw new StepError(ImageReason.GitOperationFailed, `failed to update source: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

/** signerOf loads `git.commit.signingKey` (gpg); undefined when the automation does not sign. */
async function signerOf(obj: ImageUpdateAutomation, ctx: StepContext): Promise<CommitSigner | undefined> {
  const key = obj.spec.git?.commit.signingKey;
  if (!key) return undefined;
  const name = key.secretRef.name;
  if ((key.type ?? 'gpg') !== 'gpg') {
    throw new StepError(
      ImageReason.GitOperationFailed,
      `failed to update source: signing key type '${key.type}' is not supported by fluxts yet; use type gpg`,
      { terminal: true },
    );
  }
  try {
    const raw = await readSecretData(ctx.manager.client, obj.metadata.namespace ?? '', name, 'signing key');
    const data = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Buffer.from(v).toString('utf8')]));
    return await openPgpSigner(name, data);
  } catch (err) {
    throw new StepError(ImageReason.GitOperationFailed, `failed to update source: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}
