// The HelmChart pipeline (source-controller `HelmChartReconciler`, flux-api.md §3.7): storage check → the source
// (it must have an artifact) → build (HelmRepository: remote.ts) → store `<name>-<version>.tgz`, link
// `latest.tar.gz` → Ready with the build summary. Failures carry Flux's reasons (InvalidChartReference stalls,
// ChartPullError retries); the last good chart stays in storage and in status.
import {
  ConditionType,
  SourceConditionType,
  SourceReason,
  type HelmChart,
  type HelmRepository,
} from '../../../api/index.ts';
import type { Artifact, ArtifactStorage } from '../../../artifacts/index.ts';
import { isNotFound, KubeApiError, type KubeObject } from '../../../kube/index.ts';
import {
  conditions,
  parseDuration,
  requeueAfter,
  StepError,
  type Result,
  type StepContext,
} from '../../../runtime/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import {
  beginSourceReconcile,
  checkStorage,
  refreshLinkUrl,
  progressive,
  sourceKey,
  statusArtifact,
} from '../artifact.ts';
import { ClientOptionsError } from '../helmrepository/client-options.ts';
import { helmRepositoryType } from '../kind.ts';
import { BuildError, BuildReasons, buildSummary, type ChartBuild } from './build.ts';
import { buildFromSource } from './from-source.ts';
import { buildFromHelmRepository } from './remote.ts';

/** HelmChartDeps: storage, and a cache read of HelmRepositories (undefined: not in the cache). */
export interface HelmChartDeps {
  storage: ArtifactStorage;
  cachedRepository?: (namespace: string, name: string) => HelmRepository | undefined;
}

type Status = NonNullable<HelmChart['status']>;

/** getSource reads the referenced source; a missing one is SourceUnavailable (retried). */
async function getSource(obj: HelmChart, ctx: StepContext, deps: HelmChartDeps): Promise<KubeObject> {
  const namespace = obj.metadata.namespace ?? '';
  const { kind, name } = obj.spec.sourceRef;
  if (kind === 'HelmRepository') {
    const cached = deps.cachedRepository?.(namespace, name);
    if (cached) return cached;
  }
  const plural = { HelmRepository: 'helmrepositories', GitRepository: 'gitrepositories', Bucket: 'buckets' }[kind];
  try {
    return await ctx.manager.client.get<KubeObject>(
      { apiVersion: helmRepositoryType.apiVersion, kind },
      { namespace, name },
    );
  } catch (err) {
    const detail = isNotFound(err)
      ? `${plural}.source.toolkit.fluxcd.io "${name}" not found`
      : err instanceof KubeApiError && err.status?.message
        ? err.status.message
        : errorMessage(err);
    throw new StepError(SourceReason.SourceUnavailable, `failed to get source: ${detail}`, {
      condition: SourceConditionType.FetchFailed,
      cause: err,
    });
  }
}

/** reconcileHelmChart runs one HelmChart to a stored chart package, or throws the failed step. */
export async function reconcileHelmChart(obj: HelmChart, ctx: StepContext, deps: HelmChartDeps): Promise<Result> {
  const status: Status = (obj.status ??= {});
  const digestBefore = status.artifact?.digest;
  beginSourceReconcile(obj, ctx);
  await checkStorage(obj, ctx, deps.storage);
  refreshLinkUrl(status, deps.storage, 'latest.tar.gz');
  if (!obj.spec.verify) conditions.remove(obj, SourceConditionType.SourceVerified);

  const source = await getSource(obj, ctx, deps);
  const sourceArtifact = (source.status as { artifact?: Artifact } | undefined)?.artifact;
  const kind = obj.spec.sourceRef.kind;
  const staticOci = kind === 'HelmRepository' && (source as HelmRepository).spec.type === 'oci';
  if (!sourceArtifact && !staticOci) {
    const message = `no artifact available for ${kind} source '${obj.spec.sourceRef.name}'`;
    throw new StepError(SourceReason.NoSourceArtifact, message, { condition: SourceConditionType.FetchFailed });
  }
  if (sourceArtifact) status.observedSourceArtifactRevision = sourceArtifact.revision;

  let build: ChartBuild;
  try {
    if (staticOci || !sourceArtifact) {
      throw new BuildError(BuildReasons.ChartPull, 'charts from OCI HelmRepositories are not supported by fluxts yet');
    }
    const force = (obj.metadata.generation ?? 0) !== (status.observedGeneration ?? 0);
    build =
      kind === 'HelmRepository'
        ? await buildFromHelmRepository(obj, source as HelmRepository, {
            client: ctx.manager.client,
            storage: deps.storage,
            force,
            signal: ctx.request.signal,
          })
        : await buildFromSource(obj, sourceArtifact, force, ctx, deps);
  } catch (err) {
    if (err instanceof ClientOptionsError) {
      throw new StepError(SourceReason.AuthenticationFailed, err.message, {
        condition: SourceConditionType.FetchFailed,
        cause: err,
      });
    }
    if (err instanceof BuildError) {
      if (err.fetchFailure) conditions.remove(obj, SourceConditionType.BuildFailed);
      else conditions.remove(obj, SourceConditionType.FetchFailed);
      throw new StepError(err.buildReason.reason, err.message, {
        condition: err.fetchFailure ? SourceConditionType.FetchFailed : SourceConditionType.BuildFailed,
        terminal: err.persistent,
        cause: err,
      });
    }
    throw err;
  }
  conditions.remove(obj, SourceConditionType.FetchFailed);
  conditions.remove(obj, SourceConditionType.BuildFailed);

  const summary = buildSummary(build, true);
  const reason = build.packaged ? SourceReason.ChartPackageSucceeded : SourceReason.ChartPullSucceeded;
  if (build.bytes === undefined && status.artifact) {
    ctx.event('trace', SourceReason.ArtifactUpToDate, `artifact up-to-date with remote revision: '${build.version}'`);
  } else if (build.bytes !== undefined) {
    if (status.observedChartName !== build.name || status.artifact?.revision !== build.version) {
      if (status.artifact) {
        conditions.markTrue(
          obj,
          SourceConditionType.ArtifactOutdated,
          SourceReason.NewChart,
          buildSummary(build, false),
        );
      }
      progressive(obj, ctx, true, `building artifact: ${buildSummary(build, false)}`);
    }
    try {
      const artifact = deps.storage.newArtifact(sourceKey(obj), build.version, `${build.name}-${build.version}.tgz`);
      const stored = statusArtifact(await deps.storage.store(artifact, [build.bytes]));
      status.artifact = stored;
      await deps.storage.garbageCollect(stored).catch(() => undefined);
    } catch (err) {
      throw new StepError(
        SourceReason.ArchiveOperationFailed,
        `unable to copy Helm chart to storage: ${errorMessage(err)}`,
        {
          condition: SourceConditionType.StorageOperationFailed,
          cause: err,
        },
      );
    }
    status.observedChartName = build.name;
    if (obj.spec.ignoreMissingValuesFiles) status.observedValuesFiles = build.valuesFiles;
    else delete status.observedValuesFiles;
    try {
      status.url = await deps.storage.symlink(status.artifact, 'latest.tar.gz');
    } catch (err) {
      ctx.event('trace', SourceReason.SymlinkUpdateFailed, `failed to update status URL symlink: ${errorMessage(err)}`);
    }
    conditions.remove(obj, SourceConditionType.StorageOperationFailed);
  }
  const artifact = status.artifact;
  if (!artifact) throw new Error('no artifact after a successful chart build');
  conditions.remove(obj, SourceConditionType.ArtifactOutdated);
  conditions.markTrue(obj, SourceConditionType.ArtifactInStorage, reason, summary);
  conditions.markTrue(obj, ConditionType.Ready, reason, summary);
  if (artifact.digest !== digestBefore) {
    ctx.event('info', reason, summary, { revision: artifact.revision, digest: artifact.digest });
  }
  return requeueAfter(parseDuration(obj.spec.interval));
}
