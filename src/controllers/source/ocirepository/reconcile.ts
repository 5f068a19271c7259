// The OCIRepository pipeline: resolve the ref to a digest → skip when the stored artifact has that revision and
// content configuration → verify signatures → pull the selected layer (digest-verified, size-capped) → extract
// it safely and re-pack with the ignore rules, or copy it as is → store, garbage-collect, `latest.tar.gz`.
// Each failure has Flux's condition and reason; the last good artifact stays in storage and in status.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConditionType, Reason, SourceConditionType, SourceReason, type OCIRepository } from '../../../api/index.ts';
import { extractTarGz, sourceIgnoreFilter, type Artifact, type ArtifactStorage } from '../../../artifacts/index.ts';
import {
  fetchFluxManifest,
  isOCIError,
  parseOCIUrl,
  type PulledManifest,
  type Reference,
  type RegistryClient,
} from '../../../fetchers/oci/index.ts';
import {
  conditions,
  deepEqual,
  intervalOf,
  parseDuration,
  requeueAfter,
  retry,
  stalled,
  type Result,
  type StepContext,
} from '../../../runtime/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import { SecretNotFoundError } from '../secrets.ts';
import { ProviderError, registryClientFor } from './registry.ts';
import { bestSemverTag, formatRevision, RefError } from './revision.ts';
import { verificationUnchanged, verifyArtifact, type VerifyOptions } from './verify.ts';

export const OCI_REPOSITORY_KIND = 'OCIRepository';

/** OCIRepositoryDeps is what the reconciler needs besides the object. */
export interface OCIRepositoryDeps {
  storage: ArtifactStorage;
  /** workDir is the parent of temporary downloads (the OS temp dir by default). */
  workDir?: string;
  /** maxLayerBytes caps the compressed layer (default 512 MiB); maxUncompressedBytes its content (default 1 GiB). */
  maxLayerBytes?: number;
  maxUncompressedBytes?: number;
  verify?: VerifyOptions;
}

type Status = NonNullable<OCIRepository['status']>;
type StatusArtifact = NonNullable<Status['artifact']>;

interface Failure {
  condition: string;
  reason: string;
  message: string;
}

function statusArtifact(a: Artifact): StatusArtifact {
  if (!a.digest) throw new Error(`artifact ${a.path} has no digest`);
  return { ...a, digest: a.digest };
}

/** reasonOf maps an OCI error to Flux's reason: refused credentials are AuthenticationFailed, the rest pull failures. */
function reasonOf(err: unknown): string {
  if (err instanceof SecretNotFoundError || isOCIError(err, 'auth') || isOCIError(err, 'bad-credentials')) {
    return SourceReason.AuthenticationFailed;
  }
  return SourceReason.OCIArtifactPullFailed;
}

/** reconcileOCIRepository runs the pipeline for one OCIRepository (see the file comment). */
export async function reconcileOCIRepository(
  obj: OCIRepository,
  ctx: StepContext,
  deps: OCIRepositoryDeps,
): Promise<Result> {
  const status: Status = (obj.status ??= {});
  const key = { kind: OCI_REPOSITORY_KIND, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' };
  const generation = obj.metadata.generation ?? 0;
  const newGeneration = status.observedGeneration !== generation;
  conditions.markReconciling(
    obj,
    Reason.Progressing,
    newGeneration
      ? `processing object: new generation ${status.observedGeneration ?? 0} -> ${generation}`
      : 'reconciliation in progress',
  );
  if (!conditions.isReady(obj))
    conditions.markUnknown(obj, ConditionType.Ready, Reason.Progressing, 'reconciliation in progress');

  if (status.artifact && !(await deps.storage.exists(status.artifact))) {
    delete status.artifact;
    conditions.remove(obj, SourceConditionType.ArtifactInStorage);
    conditions.markReconciling(obj, 'NoArtifact', 'no artifact for resource in storage');
  }

  let ref: Reference;
  try {
    ref = parseOCIUrl(obj.spec.url);
  } catch (err) {
    return stall(obj, ctx, SourceReason.URLInvalid, errorMessage(err), err);
  }

  let client: RegistryClient;
  try {
    client = await registryClientFor(ctx.manager.client, obj, ref.registry);
  } catch (err) {
    if (err instanceof ProviderError)
      return stall(obj, ctx, SourceReason.InvalidProviderConfiguration, errorMessage(err), err);
    return fail(
      obj,
      ctx,
      {
        condition: SourceConditionType.FetchFailed,
        reason: SourceReason.AuthenticationFailed,
        message: `failed to get credential: ${errorMessage(err)}`,
      },
      err,
    );
  }
  const signal = AbortSignal.timeout(parseDuration(obj.spec.timeout ?? '60s'));
  const work = await mkdtemp(join(deps.workDir ?? tmpdir(), 'fluxts-oci-'));
  try {
    // 1. The revision: which tag, and the digest it points at.
    let tag: string | undefined;
    const r = obj.spec.ref ?? {};
    const layerMediaType = obj.spec.layerSelector?.mediaType;
    if (!r.digest) {
      if (r.semver) {
        try {
          tag = bestSemverTag(
            await client.listTags(ref.repository, { signal }),
            r.semver,
            r.semverFilter,
            layerMediaType,
          );
        } catch (err) {
          const message = `failed to determine the artifact tag for '${obj.spec.url}': ${errorMessage(err)}`;
          return fail(
            obj,
            ctx,
            {
              condition: SourceConditionType.FetchFailed,
              reason: err instanceof RefError ? SourceReason.OCIArtifactPullFailed : reasonOf(err),
              message,
            },
            err,
          );
        }
      } else {
        tag = r.tag || 'latest';
      }
    }
    let digest: string;
    try {
      digest = r.digest ? r.digest : (await client.resolve(ref.repository, tag ?? 'latest', { signal })).digest;
    } catch (err) {
      return fail(
        obj,
        ctx,
        {
          condition: SourceConditionType.FetchFailed,
          reason: reasonOf(err),
          message: `failed to determine artifact digest: ${errorMessage(err)}`,
        },
        err,
      );
    }
    const revision = formatRevision(tag, digest);
    const url = `${obj.spec.url}${tag === undefined ? '' : `:${tag}`}`;

    // 2. Unchanged revision and content configuration: nothing to pull.
    const contentUnchanged =
      status.artifact?.revision === revision &&
      (status.observedIgnore ?? undefined) === (obj.spec.ignore ?? undefined) &&
      deepEqual(status.observedLayerSelector ?? undefined, obj.spec.layerSelector ?? undefined) &&
      verificationUnchanged(obj, revision);
    if (contentUnchanged && status.artifact) {
      conditions.remove(obj, SourceConditionType.FetchFailed);
      ctx.manager.events.event(obj, {
        severity: 'trace',
        reason: SourceReason.ArtifactUpToDate,
        message: `artifact up-to-date with remote revision: '${revision}'`,
      });
      return succeed(obj, status.artifact);
    }
    if (status.artifact?.revision !== revision) {
      conditions.markTrue(
        obj,
        SourceConditionType.ArtifactOutdated,
        SourceReason.NewRevision,
        `new revision '${revision}' for '${url}'`,
      );
    }

    // 3. The manifest and layer.
    let pulled: PulledManifest;
    try {
      pulled = await fetchFluxManifest(client, ref.repository, digest, {
        signal,
        ...(layerMediaType ? { layerMediaType } : {}),
      });
    } catch (err) {
      const layerMissing = isOCIError(err, 'not-found') && /failed to find layer/u.test(errorMessage(err));
      const reason = layerMissing ? SourceReason.OCIArtifactLayerOperationFailed : reasonOf(err);
      const message = layerMissing ? errorMessage(err) : `failed to pull artifact from '${url}': ${errorMessage(err)}`;
      return fail(obj, ctx, { condition: SourceConditionType.FetchFailed, reason, message }, err);
    }
    conditions.remove(obj, SourceConditionType.FetchFailed);

    // 4. Signatures.
    if (obj.spec.verify) {
      try {
        const message = await verifyArtifact(ctx.manager.client, obj, client, ref, digest, revision, {
          ...deps.verify,
          signal,
        });
        conditions.markTrue(obj, SourceConditionType.SourceVerified, Reason.Succeeded, message);
      } catch (err) {
        const message = `failed to verify the signature using provider '${obj.spec.verify.provider}': ${errorMessage(err)}`;
        conditions.markFalse(obj, SourceConditionType.SourceVerified, SourceReason.VerificationError, message);
        return fail(
          obj,
          ctx,
          { condition: SourceConditionType.SourceVerified, reason: SourceReason.VerificationError, message },
          err,
        );
      }
    } else {
      conditions.remove(obj, SourceConditionType.SourceVerified);
    }

    // 5. Download, then extract and re-pack, or copy.
    const layerFile = join(work, 'layer.tgz');
    try {
      await client.downloadBlob(ref.repository, pulled.layer, layerFile, {
        signal,
        maxBytes: deps.maxLayerBytes ?? 512 << 20,
      });
    } catch (err) {
      return fail(
        obj,
        ctx,
        {
          condition: SourceConditionType.FetchFailed,
          reason: reasonOf(err),
          message: `failed to pull artifact from '${url}': ${errorMessage(err)}`,
        },
        err,
      );
    }
    const operation = obj.spec.layerSelector?.operation ?? 'extract';
    let contentDir: string | undefined;
    if (operation === 'extract') {
      try {
        contentDir = await extractTarGz(layerFile, {
          parentDir: work,
          ...(deps.maxUncompressedBytes ? { maxUncompressedBytes: deps.maxUncompressedBytes } : {}),
        });
      } catch (err) {
        return fail(
          obj,
          ctx,
          {
            condition: SourceConditionType.FetchFailed,
            reason: SourceReason.OCIArtifactLayerOperationFailed,
            message: `failed to extract layer contents from artifact: ${errorMessage(err)}`,
          },
          err,
        );
      }
    }

    let stored: StatusArtifact;
    try {
      const artifact = deps.storage.newArtifact(key, revision, `${digest.split(':')[1] ?? digest}.tar.gz`);
      const written = contentDir
        ? await deps.storage.archive(artifact, contentDir, await sourceIgnoreFilter(contentDir, obj.spec.ignore))
        : await deps.storage.store(artifact, createReadStream(layerFile));
      stored = statusArtifact(written);
      const annotations = pulled.manifest.annotations;
      if (annotations && Object.keys(annotations).length > 0) stored.metadata = { ...annotations };
      status.url = await deps.storage.symlink(stored, 'latest.tar.gz');
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
    if (obj.spec.ignore === undefined) delete status.observedIgnore;
    else status.observedIgnore = obj.spec.ignore;
    if (obj.spec.layerSelector === undefined) delete status.observedLayerSelector;
    else status.observedLayerSelector = obj.spec.layerSelector;
    ctx.manager.events.event(obj, {
      severity: 'info',
      reason: 'NewArtifact',
      message: `stored artifact with revision '${revision}' from '${url}'`,
      metadata: { revision: stored.revision, digest: stored.digest },
    });
    return succeed(obj, stored);
  } finally {
    client.close();
    await rm(work, { recursive: true, force: true });
  }
}

function succeed(obj: OCIRepository, artifact: StatusArtifact): Result {
  const message = `stored artifact for digest '${artifact.revision}'`;
  conditions.remove(obj, SourceConditionType.ArtifactOutdated);
  conditions.markTrue(obj, SourceConditionType.ArtifactInStorage, Reason.Succeeded, message);
  conditions.markTrue(obj, ConditionType.Ready, Reason.Succeeded, message);
  return requeueAfter(intervalOf(obj));
}

/**
 * fail records a retryable failure: its condition (SourceVerified is set by the caller), Ready=False with the same
 * reason and message, Reconciling with ProgressingWithRetry, and a warning event. Storage and status.artifact stay.
 */
function fail(obj: OCIRepository, ctx: StepContext, failure: Failure, err: unknown): Result {
  if (failure.condition !== SourceConditionType.SourceVerified)
    conditions.markTrue(obj, failure.condition, failure.reason, failure.message);
  conditions.markFalse(obj, ConditionType.Ready, failure.reason, failure.message);
  conditions.markReconciling(obj, Reason.ProgressingWithRetry, failure.message);
  ctx.manager.events.event(obj, { severity: 'error', reason: failure.reason, message: failure.message });
  return retry(err instanceof Error ? err : new Error(String(err)));
}

/** stall records a configuration error that retrying cannot fix: Stalled=True until the spec changes. */
function stall(obj: OCIRepository, ctx: StepContext, reason: string, message: string, err: unknown): Result {
  conditions.markTrue(obj, SourceConditionType.FetchFailed, reason, message);
  conditions.markFalse(obj, ConditionType.Ready, reason, message);
  conditions.markStalled(obj, reason, message);
  ctx.manager.events.event(obj, { severity: 'error', reason, message });
  return stalled(err instanceof Error ? err : new Error(String(err)));
}
