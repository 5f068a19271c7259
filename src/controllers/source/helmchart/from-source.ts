// The I/O around the local chart builder for GitRepository and Bucket sources (source-controller
// `buildFromTarballArtifact`): extract the source artifact to a temp directory, pick the version metadata, point
// remote dependencies at the HelmRepository objects of the chart's namespace, build, clean up.
import { readFile, rm } from 'node:fs/promises';

import { SourceConditionType, SourceReason, type HelmChart, type HelmRepository } from '../../../api/index.ts';
import { extractTarGz, type Artifact } from '../../../artifacts/index.ts';
import { HelmRepositoryClient, normalizeURL, parseIndex } from '../../../fetchers/helm/index.ts';
import { StepError, type StepContext } from '../../../runtime/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import { helmClientOptions } from '../helmrepository/client-options.ts';
import { helmRepositoryType } from '../kind.ts';
import type { ChartBuild } from './build.ts';
import { repositoryFromIndex, type ChartRepository, type RepositoryResolver } from './dependencies.ts';
import { buildFromSourceArtifact, versionMetadataFor } from './local.ts';
import type { HelmChartDeps } from './reconcile.ts';

/**
 * dependencyRepositories resolves a dependency URL as Flux's namespacedChartRepositoryCallback: the first
 * HelmRepository in the namespace with that (normalised) URL, with its credentials and, when it has one, its
 * stored index; else the bare URL with a 60 s timeout and no credentials.
 */
function dependencyRepositories(namespace: string, ctx: StepContext, deps: HelmChartDeps): RepositoryResolver {
  const cache = new Map<string, Promise<ChartRepository>>();
  const resolve = async (url: string): Promise<ChartRepository> => {
    const list = await ctx.manager.client.listAll<HelmRepository>(helmRepositoryType, { namespace });
    const repo = list.items.find((r) => {
      try {
        return r.spec.type !== 'oci' && normalizeURL(r.spec.url) === url;
      } catch {
        return false;
      }
    });
    const options = repo
      ? { ...(await helmClientOptions(ctx.manager.client, repo)).options, repositoryUrl: url }
      : { repositoryUrl: url, timeoutMs: 60_000 };
    const client = new HelmRepositoryClient(options);
    const stored = repo?.status?.artifact;
    const index = stored
      ? parseIndex(await readFile(deps.storage.localPath(stored)))
      : await client.loadIndex(ctx.request.signal);
    return repositoryFromIndex(index, (version) => client.downloadChart(version, ctx.request.signal));
  };
  return (url) => {
    let repo = cache.get(url);
    if (!repo) cache.set(url, (repo = resolve(url)));
    return repo;
  };
}

/** buildFromSource builds the chart of a HelmChart whose source is a GitRepository or Bucket artifact. */
export async function buildFromSource(
  obj: HelmChart,
  source: Artifact,
  force: boolean,
  ctx: StepContext,
  deps: HelmChartDeps,
): Promise<ChartBuild> {
  let workDir: string;
  try {
    workDir = await extractTarGz(deps.storage.localPath(source));
  } catch (err) {
    throw new StepError(SourceReason.ReadOperationFailed, `artifact untar error: ${errorMessage(err)}`, {
      condition: SourceConditionType.StorageOperationFailed,
      cause: err,
    });
  }
  try {
    const valuesFiles = obj.spec.valuesFiles ?? [];
    const cached = obj.status?.artifact;
    return await buildFromSourceArtifact({
      workDir,
      chartPath: obj.spec.chart,
      valuesFiles,
      ignoreMissingValuesFiles: obj.spec.ignoreMissingValuesFiles ?? false,
      versionMetadata: versionMetadataFor(
        obj.spec.sourceRef.kind,
        obj.spec.reconcileStrategy,
        source.revision,
        obj.metadata.generation ?? 0,
        valuesFiles.length > 0,
      ),
      ...(cached ? { cachedChart: deps.storage.localPath(cached) } : {}),
      ...(obj.status?.observedValuesFiles ? { cachedValuesFiles: obj.status.observedValuesFiles } : {}),
      force,
      resolveRepository: dependencyRepositories(obj.metadata.namespace ?? '', ctx, deps),
    });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
