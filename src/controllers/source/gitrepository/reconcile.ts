import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SourceConditionType, SourceReason, type GitRepository } from '../../../api/index.ts';
import { type Artifact, type ArtifactStorage, sourceIgnoreFilter } from '../../../artifacts/index.ts';
import {
  cloneRepository,
  credentialsFromSecret,
  GitError,
  type CloneResult,
  type GitCredentials,
  type GitProxy,
  proxyFromSecret,
} from '../../../fetchers/git/index.ts';
import {
  conditions,
  ConditionTypes,
  deepEqual,
  intervalOf,
  parseDuration,
  Reasons,
  requeueAfter,
  retry,
  type Result,
  type StepContext,
} from '../../../runtime/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import { copyIncludes, IncludeError, type IncludeLookup } from './include.ts';
import { readSecretData } from './secrets.ts';
import { verifyCheckout } from './verify.ts';

export const GIT_REPOSITORY_KIND = 'GitRepository';

/** GitRepositoryDeps is what the reconciler needs besides the object: storage and a way to find includes. */
export interface GitRepositoryDeps {
  storage: ArtifactStorage;
  lookupInclude: IncludeLookup;
  /** Parent directory of temporary checkouts (the OS temp dir by default). */
  workDir?: string;
}

type Status = NonNullable<GitRepository['status']>;
type StatusArtifact = NonNullable<Status['artifact']>;

/** statusArtifact narrows a stored artifact to the API shape, where the digest is required. */
function statusArtifact(artifact: Artifact): StatusArtifact {
  if (!artifact.digest) throw new Error(`artifact ${artifact.path} has no digest`);
  return { ...artifact, digest: artifact.digest };
}

/** FailureReason pairs the condition that records a failure with its reason. */
interface Failure {
  condition: string;
  reason: string;
  message: string;
}

/**
 * reconcileGitRepository is the pipeline of one GitRepository: check the stored artifact → fetch (skipped when the
 * remote revision and the content configuration are unchanged) → include other artifacts → verify signatures →
 * pack, store and garbage-collect. Each step fails with its own condition and reason; the last good artifact stays
 * in storage and in `status.artifact` whatever fails.
 */
export async function reconcileGitRepository(
  obj: GitRepository,
  ctx: StepContext,
  deps: GitRepositoryDeps,
): Promise<Result> {
  const status: Status = (obj.status ??= {});
  const key = { kind: GIT_REPOSITORY_KIND, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' };
  const generation = obj.metadata.generation ?? 0;
  const newGeneration = status.observedGeneration !== generation;
  conditions.markReconciling(
    obj,
    Reasons.Progressing,
    newGeneration
      ? `processing object: new generation ${status.observedGeneration ?? 0} -> ${generation}`
      : 'reconciliation in progress',
  );
  if (!conditions.isReady(obj))
    conditions.markUnknown(obj, ConditionTypes.Ready, Reasons.Progressing, 'reconciliation in progress');

  // The storage step (Flux's reconcileStorage): an artifact that vanished from disk (an emptyDir after a restart)
  // or no longer has its digest is forgotten, so it is rebuilt; one that is there gets the URL of the storage's
  // current address, before anything can fail, so consumers keep fetching it whatever happens next.
  if (status.artifact && !(await deps.storage.verify(status.artifact))) {
    if (await deps.storage.exists(status.artifact)) {
      ctx.manager.events.event(obj, {
        severity: 'error',
        reason: 'ArtifactVerificationFailed',
        message: `failed to verify integrity of artifact: digest mismatch for ${status.artifact.path}`,
      });
      await deps.storage.remove(status.artifact);
    }
    delete status.artifact;
    conditions.remove(obj, SourceConditionType.ArtifactInStorage);
    conditions.markReconciling(obj, 'NoArtifact', 'no artifact for resource in storage');
  }
  if (status.artifact) status.artifact = deps.storage.withCurrentUrl(status.artifact);

  const work = await mkdtemp(join(deps.workDir ?? tmpdir(), 'fluxts-git-'));
  try {
    let credentials: GitCredentials | undefined;
    let proxy: GitProxy | undefined;
    const protocol = safeProtocol(obj.spec.url);
    try {
      if (obj.spec.secretRef) {
        const data = await readSecretData(ctx.manager.client, key.namespace, obj.spec.secretRef.name, 'spec.secretRef');
        credentials = credentialsFromSecret(`${key.namespace}/${obj.spec.secretRef.name}`, data, protocol);
      }
      if (obj.spec.proxySecretRef) {
        const data = await readSecretData(
          ctx.manager.client,
          key.namespace,
          obj.spec.proxySecretRef.name,
          'spec.proxySecretRef',
        );
        proxy = proxyFromSecret(`${key.namespace}/${obj.spec.proxySecretRef.name}`, data);
      }
    } catch (err) {
      return fail(
        obj,
        ctx,
        {
          condition: SourceConditionType.FetchFailed,
          reason: SourceReason.AuthenticationFailed,
          message: errorMessage(err),
        },
        err,
      );
    }

    const includes = obj.spec.include ?? [];
    const resolvedIncludes = includes.map((inc) => deps.lookupInclude(key.namespace, inc.repository.name));
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

    let result: CloneResult;
    const checkout = join(work, 'checkout');
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
      return fail(obj, ctx, { condition: SourceConditionType.FetchFailed, reason, message: errorMessage(err) }, err);
    }
    conditions.remove(obj, SourceConditionType.FetchFailed);

    if (result.kind === 'unchanged' && status.artifact) {
      ctx.manager.events.event(obj, {
        severity: 'trace',
        reason: SourceReason.ArtifactUpToDate,
        message: `artifact up-to-date with remote revision: '${result.revision}'`,
      });
      return succeed(obj, status.artifact);
    }
    if (result.kind === 'unchanged') {
      // Only possible when the artifact vanished between the check above and here; fetch in full next time.
      return retry(new Error('artifact vanished while fetching; retrying'));
    }

    if (status.artifact?.revision !== result.revision) {
      conditions.markTrue(
        obj,
        SourceConditionType.ArtifactOutdated,
        SourceReason.NewRevision,
        `new upstream revision '${result.revision}'`,
      );
    }

    try {
      status.includedArtifacts = (await copyIncludes(deps.storage, checkout, includes, resolvedIncludes)).map(
        statusArtifact,
      );
      conditions.remove(obj, SourceConditionType.IncludeUnavailable);
    } catch (err) {
      const reason = err instanceof IncludeError ? err.reason : 'IncludeUnavailable';
      return fail(
        obj,
        ctx,
        { condition: SourceConditionType.IncludeUnavailable, reason, message: errorMessage(err) },
        err,
      );
    }

    if (obj.spec.verify) {
      try {
        const keys = await readSecretData(
          ctx.manager.client,
          key.namespace,
          obj.spec.verify.secretRef.name,
          'spec.verify.secretRef',
        );
        const message = await verifyCheckout(obj.spec.verify.mode ?? 'HEAD', result, keys);
        conditions.markTrue(obj, SourceConditionType.SourceVerified, Reasons.Succeeded, message);
        status.sourceVerificationMode = obj.spec.verify.mode ?? 'HEAD';
      } catch (err) {
        const message = errorMessage(err);
        conditions.markFalse(obj, SourceConditionType.SourceVerified, Reasons.Failed, message);
        return fail(
          obj,
          ctx,
          { condition: SourceConditionType.SourceVerified, reason: SourceReason.VerificationError, message },
          err,
        );
      }
    } else {
      conditions.remove(obj, SourceConditionType.SourceVerified);
      delete status.sourceVerificationMode;
    }

    let stored: StatusArtifact;
    try {
      const artifact = deps.storage.newArtifact(key, result.revision, `${result.commit}.tar.gz`);
      stored = statusArtifact(
        await deps.storage.archive(artifact, checkout, await sourceIgnoreFilter(checkout, obj.spec.ignore)),
      );
      await deps.storage.garbageCollect(stored);
    } catch (err) {
      return fail(
        obj,
        ctx,
        {
          condition: SourceConditionType.StorageOperationFailed,
          reason: SourceReason.ArchiveOperationFailed,
          message: errorMessage(err),
        },
        err,
      );
    }
    conditions.remove(obj, SourceConditionType.StorageOperationFailed);
    status.artifact = stored;
    status.observedIgnore = obj.spec.ignore;
    status.observedRecurseSubmodules = obj.spec.recurseSubmodules ?? false;
    status.observedInclude = includes;
    status.observedSparseCheckout = obj.spec.sparseCheckout;
    if (status.observedIgnore === undefined) delete status.observedIgnore;
    if (status.observedSparseCheckout === undefined) delete status.observedSparseCheckout;
    ctx.manager.events.event(obj, {
      severity: 'info',
      reason: 'NewArtifact',
      message: `stored artifact for commit '${result.subject}'`,
      metadata: { revision: stored.revision, ...(stored.digest ? { digest: stored.digest } : {}) },
    });
    return succeed(obj, stored);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function succeed(obj: GitRepository, artifact: StatusArtifact): Result {
  const message = `stored artifact for revision '${artifact.revision}'`;
  conditions.remove(obj, SourceConditionType.ArtifactOutdated);
  conditions.markTrue(obj, SourceConditionType.ArtifactInStorage, Reasons.Succeeded, message);
  conditions.markTrue(obj, ConditionTypes.Ready, Reasons.Succeeded, message);
  return requeueAfter(intervalOf(obj));
}

/**
 * fail records a failure: its own condition (SourceVerified is set False by the caller instead), Ready=False with
 * the same reason and message, Reconciling with ProgressingWithRetry, and a warning event; the result retries
 * with backoff. The stored artifact and `status.artifact` are left as they are.
 */
function fail(obj: GitRepository, ctx: StepContext, failure: Failure, err: unknown): Result {
  if (failure.condition !== SourceConditionType.SourceVerified) {
    conditions.markTrue(obj, failure.condition, failure.reason, failure.message);
  }
  conditions.markFalse(obj, ConditionTypes.Ready, failure.reason, failure.message);
  conditions.markReconciling(obj, Reasons.ProgressingWithRetry, failure.message);
  ctx.manager.events.event(obj, { severity: 'error', reason: failure.reason, message: failure.message });
  return retry(err instanceof Error ? err : new Error(String(err)));
}

function verificationUnchanged(obj: GitRepository): boolean {
  if (!obj.spec.verify) return obj.status?.sourceVerificationMode === undefined;
  return (
    obj.status?.sourceVerificationMode === (obj.spec.verify.mode ?? 'HEAD') &&
    conditions.isTrue(obj, SourceConditionType.SourceVerified)
  );
}

function safeProtocol(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
}
