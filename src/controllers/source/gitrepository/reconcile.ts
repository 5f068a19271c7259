// The GitRepository pipeline (source-controller `reconcile`, flux-api.md §3.4): storage check → credentials →
// fetch (skipped when the remote revision and the content configuration are unchanged) → includes → verify →
// archive. Each step fails with its own condition and reason (a thrown StepError, recorded by the runtime); the
// last good artifact stays in storage and in `status.artifact` whatever fails.
import { join } from 'node:path';

import { Reason, SourceConditionType, SourceReason, type GitRepository } from '../../../api/index.ts';
import { type ArtifactStorage, sourceIgnoreFilter } from '../../../artifacts/index.ts';
import { cloneRepository, GitError, type CloneResult } from '../../../fetchers/git/index.ts';
import {
  asStepError,
  conditions,
  deepEqual,
  parseDuration,
  retry,
  StepError,
  type Result,
  type StepContext,
} from '../../../runtime/index.ts';
import {
  archiveArtifact,
  artifactReady,
  beginSourceReconcile,
  checkStorage,
  markNewRevision,
  newArtifact,
  statusArtifact,
  upToDate,
} from '../artifact.ts';
import { errorMessage } from '../../../util/errors.ts';
import { readGitAuth, type GitAuth } from '../git-auth.ts';
import { readSecretData } from '../secrets.ts';
import { copyIncludes, IncludeError, type IncludeLookup } from './include.ts';
import { verifyCheckout } from './verify.ts';

/** GitRepositoryDeps is what the reconciler needs besides the object: storage and a way to find includes. */
export interface GitRepositoryDeps {
  storage: ArtifactStorage;
  lookupInclude: IncludeLookup;
}

type Status = NonNullable<GitRepository['status']>;

/** reconcileGitRepository runs one GitRepository to a stored artifact, or throws the failed step's StepError. */
export async function reconcileGitRepository(
  obj: GitRepository,
  ctx: StepContext,
  deps: GitRepositoryDeps,
): Promise<Result> {
  const status: Status = (obj.status ??= {});
  const namespace = obj.metadata.namespace ?? '';
  beginSourceReconcile(obj, ctx);
  await checkStorage(obj, ctx, deps.storage);

  const { credentials, proxy } = await readAuth(obj, ctx);
  const includes = obj.spec.include ?? [];
  const resolvedIncludes = includes.map((inc) => deps.lookupInclude(namespace, inc.repository.name));
  const contentUnchanged =
    status.artifact !== undefined &&
    (status.observedIgnore ?? undefined) === (obj.spec.ignore ?? undefined) &&
    (status.observedRecurseSubmodules ?? false) === (obj.spec.recurseSubmodules ?? false) &&
    deepEqual(status.observedInclude ?? [], includes) &&
    deepEqual(status.observedSparseCheckout ?? [], obj.spec.sparseCheckout ?? []) &&
    deepEqual(
      (status.includedArtifacts ?? []).map((a) => a.revision),
      resolvedIncludes.map((a) => a?.revision),
    ) &&
    verificationUnchanged(obj);

  const checkout = join(await ctx.workDir(), 'checkout');
  let result: CloneResult;
  try {
    result = await cloneRepository({
      url: obj.spec.url,
      dir: checkout,
      ...(obj.spec.ref ? { ref: obj.spec.ref } : {}),
      ...(credentials ? { credentials } : {}),
      ...(proxy ? { proxy } : {}),
      ...(contentUnchanged && status.artifact ? { lastRevision: status.artifact.revision } : {}),
      recurseSubmodules: obj.spec.recurseSubmodules ?? false,
      ...(obj.spec.sparseCheckout ? { sparseCheckout: obj.spec.sparseCheckout } : {}),
      timeoutMs: parseDuration(obj.spec.timeout ?? '60s'),
    });
  } catch (err) {
    const reason = err instanceof GitError ? err.reason : SourceReason.GitOperationFailed;
    throw asStepError(err, reason, { condition: SourceConditionType.FetchFailed });
  }
  conditions.remove(obj, SourceConditionType.FetchFailed);

  if (result.kind === 'unchanged') {
    // Only possible without an artifact when it vanished between the storage check and here; fetch in full next.
    if (!status.artifact) return retry(new Error('artifact vanished while fetching; retrying'));
    upToDate(ctx, result.revision);
    return artifactReady(obj, status.artifact);
  }
  if (status.artifact?.revision !== result.revision) {
    markNewRevision(obj, ctx, `new upstream revision '${result.revision}'`);
  }

  try {
    const included = await copyIncludes(deps.storage, checkout, includes, resolvedIncludes);
    status.includedArtifacts = included.map(statusArtifact);
    conditions.remove(obj, SourceConditionType.IncludeUnavailable);
  } catch (err) {
    const reason = err instanceof IncludeError ? err.reason : 'IncludeUnavailable';
    throw asStepError(err, reason, { condition: SourceConditionType.IncludeUnavailable });
  }

  await verify(obj, ctx, result);

  const stored = await archiveArtifact(obj, deps.storage, {
    revision: result.revision,
    fileName: `${result.commit}.tar.gz`,
    dir: checkout,
    filter: await sourceIgnoreFilter(checkout, obj.spec.ignore),
  });
  status.observedIgnore = obj.spec.ignore;
  status.observedRecurseSubmodules = obj.spec.recurseSubmodules ?? false;
  status.observedInclude = includes;
  status.observedSparseCheckout = obj.spec.sparseCheckout;
  if (status.observedIgnore === undefined) delete status.observedIgnore;
  if (status.observedSparseCheckout === undefined) delete status.observedSparseCheckout;
  newArtifact(obj, ctx, stored, `stored artifact for commit '${result.subject}'`);
  return artifactReady(obj, stored);
}

/** readAuth reads spec.secretRef and spec.proxySecretRef; any failure is AuthenticationFailed. */
async function readAuth(obj: GitRepository, ctx: StepContext): Promise<GitAuth> {
  try {
    return await readGitAuth(ctx.manager.client, obj);
  } catch (err) {
    throw asStepError(err, SourceReason.AuthenticationFailed, { condition: SourceConditionType.FetchFailed });
  }
}

/**
 * verify checks commit or tag signatures when spec.verify is set: SourceVerified True, or False and a
 * VerificationError failure; without spec.verify the condition and the observed mode go.
 */
async function verify(
  obj: GitRepository,
  ctx: StepContext,
  result: Extract<CloneResult, { kind: 'cloned' }>,
): Promise<void> {
  const status: Status = (obj.status ??= {});
  if (!obj.spec.verify) {
    conditions.remove(obj, SourceConditionType.SourceVerified);
    delete status.sourceVerificationMode;
    return;
  }
  const mode = obj.spec.verify.mode ?? 'HEAD';
  try {
    const name = obj.spec.verify.secretRef.name;
    const keys = await readSecretData(ctx.manager.client, obj.metadata.namespace ?? '', name, 'spec.verify.secretRef');
    const message = await verifyCheckout(mode, result, keys);
    conditions.markTrue(obj, SourceConditionType.SourceVerified, Reason.Succeeded, message);
    status.sourceVerificationMode = mode;
  } catch (err) {
    const failure = new StepError(SourceReason.VerificationError, errorMessage(err), { cause: err });
    conditions.markFalse(obj, SourceConditionType.SourceVerified, Reason.Failed, failure.message);
    throw failure;
  }
}

function verificationUnchanged(obj: GitRepository): boolean {
  if (!obj.spec.verify) return obj.status?.sourceVerificationMode === undefined;
  return (
    obj.status?.sourceVerificationMode === (obj.spec.verify.mode ?? 'HEAD') &&
    conditions.isTrue(obj, SourceConditionType.SourceVerified)
  );
}
