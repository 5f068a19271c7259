// The OCIRepository pipeline (source-controller `OCIRepositoryReconciler`, flux-api.md §3.5): storage check →
// ref and credentials → resolve the ref to a digest → skip when the stored artifact has that revision and content
// configuration → verify signatures → pull the selected layer (digest-verified, size-capped) → extract it safely
// and re-pack with the ignore rules, or copy it as is → store with `latest.tar.gz`. Each step fails with Flux's
// condition and reason (a thrown StepError, recorded by the runtime); the last good artifact stays in storage and
// in `status.artifact` whatever fails. What all source kinds share is in ../artifact.ts.
import { join } from 'node:path';

import { Reason, SourceConditionType, SourceReason, type Artifact, type OCIRepository } from '../../../api/index.ts';
import { extractTarGz, sourceIgnoreFilter, type ArtifactStorage, type PackFilter } from '../../../artifacts/index.ts';
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
  parseDuration,
  StepError,
  type Result,
  type StepContext,
} from '../../../runtime/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import {
  archiveArtifact,
  artifactReady,
  beginSourceReconcile,
  checkStorage,
  markNewRevision,
  newArtifact,
  upToDate,
} from '../artifact.ts';
import { SecretNotFoundError } from '../secrets.ts';
import { ProviderError, registryClientFor } from './registry.ts';
import { bestSemverTag, formatRevision, RefError } from './revision.ts';
import { verificationUnchanged, verifyArtifact, type VerifyOptions } from './verify.ts';

/** OCIRepositoryDeps is what the reconciler needs besides the object. */
export interface OCIRepositoryDeps {
  storage: ArtifactStorage;
  /** maxLayerBytes caps the compressed layer (default 512 MiB); maxUncompressedBytes its content (default 1 GiB). */
  maxLayerBytes?: number;
  maxUncompressedBytes?: number;
  verify?: VerifyOptions;
}

type Status = NonNullable<OCIRepository['status']>;

/** Pull is one resolved revision: where it lives and how to reach it. */
interface Pull {
  client: RegistryClient;
  ref: Reference;
  tag: string | undefined;
  digest: string;
  revision: string;
  /** url is the spec's URL with the tag, as Flux's messages name it. */
  url: string;
  signal: AbortSignal;
}

/** fetchFailed is a failed fetch step: FetchFailed=True with the reason, Ready=False with it. */
function fetchFailed(err: unknown, reason: string, message = errorMessage(err)): StepError {
  return new StepError(reason, message, { cause: err, condition: SourceConditionType.FetchFailed });
}

/** reasonOf maps an OCI error to Flux's reason: refused credentials are AuthenticationFailed, the rest pull failures. */
function reasonOf(err: unknown): string {
  if (err instanceof SecretNotFoundError || isOCIError(err, 'auth') || isOCIError(err, 'bad-credentials')) {
    return SourceReason.AuthenticationFailed;
  }
  return SourceReason.OCIArtifactPullFailed;
}

/** reconcileOCIRepository runs one OCIRepository to a stored artifact, or throws the failed step's StepError. */
export async function reconcileOCIRepository(
  obj: OCIRepository,
  ctx: StepContext,
  deps: OCIRepositoryDeps,
): Promise<Result> {
  const status: Status = (obj.status ??= {});
  beginSourceReconcile(obj, ctx);
  await checkStorage(obj, ctx, deps.storage);

  const ref = parseRef(obj);
  const client = await connect(obj, ctx, ref);
  try {
    const pull = await resolveRevision(obj, client, ref);
    const contentUnchanged =
      status.artifact?.revision === pull.revision &&
      (status.observedIgnore ?? undefined) === (obj.spec.ignore ?? undefined) &&
      deepEqual(status.observedLayerSelector ?? undefined, obj.spec.layerSelector ?? undefined) &&
      verificationUnchanged(obj, pull.revision);
    if (contentUnchanged && status.artifact) {
      conditions.remove(obj, SourceConditionType.FetchFailed);
      upToDate(ctx, pull.revision);
      return digestReady(obj, status.artifact);
    }
    if (status.artifact?.revision !== pull.revision) {
      markNewRevision(obj, ctx, `new revision '${pull.revision}' for '${pull.url}'`);
    }

    const manifest = await pullManifest(obj, pull);
    conditions.remove(obj, SourceConditionType.FetchFailed);
    await verify(obj, ctx, pull, deps);
    return await store(obj, ctx, pull, manifest, deps);
  } finally {
    client.close();
  }
}

/** parseRef reads spec.url; a malformed one stalls (retrying cannot fix it). */
function parseRef(obj: OCIRepository): Reference {
  try {
    return parseOCIUrl(obj.spec.url);
  } catch (err) {
    throw new StepError(SourceReason.URLInvalid, errorMessage(err), {
      cause: err,
      terminal: true,
      condition: SourceConditionType.FetchFailed,
    });
  }
}

/** connect makes the registry client from the spec's Secrets; a provider fluxts cannot serve stalls. */
async function connect(obj: OCIRepository, ctx: StepContext, ref: Reference): Promise<RegistryClient> {
  try {
    return await registryClientFor(ctx.manager.client, obj, ref.registry);
  } catch (err) {
    if (err instanceof ProviderError) {
      throw new StepError(SourceReason.InvalidProviderConfiguration, errorMessage(err), {
        cause: err,
        terminal: true,
        condition: SourceConditionType.FetchFailed,
      });
    }
    throw fetchFailed(err, SourceReason.AuthenticationFailed, `failed to get credential: ${errorMessage(err)}`);
  }
}

/** resolveRevision picks the tag (digest > semver > tag > `latest`) and the digest it points at. */
async function resolveRevision(obj: OCIRepository, client: RegistryClient, ref: Reference): Promise<Pull> {
  const signal = AbortSignal.timeout(parseDuration(obj.spec.timeout ?? '60s'));
  const r = obj.spec.ref ?? {};
  let tag: string | undefined;
  if (!r.digest && r.semver) {
    try {
      const tags = await client.listTags(ref.repository, { signal });
      tag = bestSemverTag(tags, r.semver, r.semverFilter, obj.spec.layerSelector?.mediaType);
    } catch (err) {
      const reason = err instanceof RefError ? SourceReason.OCIArtifactPullFailed : reasonOf(err);
      throw fetchFailed(
        err,
        reason,
        `failed to determine the artifact tag for '${obj.spec.url}': ${errorMessage(err)}`,
      );
    }
  } else if (!r.digest) {
    tag = r.tag || 'latest';
  }
  let digest: string;
  try {
    digest = r.digest ? r.digest : (await client.resolve(ref.repository, tag ?? 'latest', { signal })).digest;
  } catch (err) {
    throw fetchFailed(err, reasonOf(err), `failed to determine artifact digest: ${errorMessage(err)}`);
  }
  const url = `${obj.spec.url}${tag === undefined ? '' : `:${tag}`}`;
  return { client, ref, tag, digest, revision: formatRevision(tag, digest), url, signal };
}

/** pullManifest reads the artifact's manifest and picks the layer (spec.layerSelector.mediaType, or the first). */
async function pullManifest(obj: OCIRepository, pull: Pull): Promise<PulledManifest> {
  const layerMediaType = obj.spec.layerSelector?.mediaType;
  try {
    return await fetchFluxManifest(pull.client, pull.ref.repository, pull.digest, {
      signal: pull.signal,
      ...(layerMediaType ? { layerMediaType } : {}),
    });
  } catch (err) {
    if (isOCIError(err, 'not-found') && /failed to find layer/u.test(errorMessage(err))) {
      throw fetchFailed(err, SourceReason.OCIArtifactLayerOperationFailed);
    }
    throw fetchFailed(err, reasonOf(err), `failed to pull artifact from '${pull.url}': ${errorMessage(err)}`);
  }
}

/**
 * verify checks cosign signatures when spec.verify is set: SourceVerified True, or False and a VerificationError
 * failure; without spec.verify the condition goes.
 */
async function verify(obj: OCIRepository, ctx: StepContext, pull: Pull, deps: OCIRepositoryDeps): Promise<void> {
  if (!obj.spec.verify) {
    conditions.remove(obj, SourceConditionType.SourceVerified);
    return;
  }
  try {
    const message = await verifyArtifact(ctx.manager.client, obj, pull.client, pull.ref, pull.digest, pull.revision, {
      ...deps.verify,
      signal: pull.signal,
    });
    conditions.markTrue(obj, SourceConditionType.SourceVerified, Reason.Succeeded, message);
  } catch (err) {
    const message = `failed to verify the signature using provider '${obj.spec.verify.provider}': ${errorMessage(err)}`;
    conditions.markFalse(obj, SourceConditionType.SourceVerified, SourceReason.VerificationError, message);
    throw new StepError(SourceReason.VerificationError, message, { cause: err });
  }
}

/** store downloads the layer, extracts and re-packs it (or copies it), and records the new artifact. */
async function store(
  obj: OCIRepository,
  ctx: StepContext,
  pull: Pull,
  pulled: PulledManifest,
  deps: OCIRepositoryDeps,
): Promise<Result> {
  const status: Status = (obj.status ??= {});
  const work = await ctx.workDir();
  const layerFile = join(work, 'layer.tgz');
  try {
    await pull.client.downloadBlob(pull.ref.repository, pulled.layer, layerFile, {
      signal: pull.signal,
      maxBytes: deps.maxLayerBytes ?? 512 << 20,
    });
  } catch (err) {
    throw fetchFailed(err, reasonOf(err), `failed to pull artifact from '${pull.url}': ${errorMessage(err)}`);
  }
  const copy = obj.spec.layerSelector?.operation === 'copy';
  let content: { dir: string; filter: PackFilter } | { file: string };
  if (copy) {
    content = { file: layerFile };
  } else {
    let dir: string;
    try {
      dir = await extractTarGz(layerFile, {
        parentDir: work,
        ...(deps.maxUncompressedBytes ? { maxUncompressedBytes: deps.maxUncompressedBytes } : {}),
      });
    } catch (err) {
      const message = `failed to extract layer contents from artifact: ${errorMessage(err)}`;
      throw fetchFailed(err, SourceReason.OCIArtifactLayerOperationFailed, message);
    }
    content = { dir, filter: await sourceIgnoreFilter(dir, obj.spec.ignore) };
  }
  const annotations = pulled.manifest.annotations;
  const stored = await archiveArtifact(obj, deps.storage, {
    revision: pull.revision,
    fileName: `${pull.digest.split(':')[1] ?? pull.digest}.tar.gz`,
    link: 'latest.tar.gz',
    ...(annotations && Object.keys(annotations).length > 0 ? { metadata: { ...annotations } } : {}),
    ...content,
  });
  if (obj.spec.ignore === undefined) delete status.observedIgnore;
  else status.observedIgnore = obj.spec.ignore;
  if (obj.spec.layerSelector === undefined) delete status.observedLayerSelector;
  else status.observedLayerSelector = obj.spec.layerSelector;
  newArtifact(obj, ctx, stored, `stored artifact with revision '${pull.revision}' from '${pull.url}'`);
  return digestReady(obj, stored);
}

/** digestReady is artifactReady in Flux's OCIRepository words: `stored artifact for digest '…'`. */
function digestReady(obj: OCIRepository, artifact: Artifact): Result {
  return artifactReady(obj, artifact, `stored artifact for digest '${artifact.revision}'`);
}
