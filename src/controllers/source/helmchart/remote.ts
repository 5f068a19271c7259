// Charts from a HelmRepository of the default type (source-controller `buildFromHelmRepository` with the remote
// builder): the version chosen from the repository's stored index, the stored artifact reused when it already is
// that chart and version (unless the spec changed), else the package downloaded with the repository's
// credentials and checked to be a chart; packages are stored as the repository serves them.
import { readFile } from 'node:fs/promises';

import type { HelmChart, HelmRepository } from '../../../api/index.ts';
import type { ArtifactStorage } from '../../../artifacts/index.ts';
import { posix } from 'node:path';

import { loadArchive, type Chart, type ValueMap } from '../../../engines/helm/index.ts';
import { HelmRepositoryClient, parseIndex, selectChartVersion } from '../../../fetchers/helm/index.ts';
import type { KubeClient } from '../../../kube/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import { helmClientOptions } from '../helmrepository/client-options.ts';
import { BuildError, BuildReasons, type ChartBuild } from './build.ts';
import {
  mergeValuesMaps,
  overwriteDefaultValues,
  packageChart,
  parseValuesFile,
  setVersionMetadata,
} from './package.ts';

/**
 * mergeChartValues is Flux's mergeChartValues for a downloaded chart: paths name files inside the chart,
 * `values.yaml` the chart's defaults; later files win.
 */
export function mergeChartValues(
  chart: Chart,
  paths: readonly string[],
  ignoreMissing: boolean,
): { values: ValueMap; files: string[] } {
  const maps: ValueMap[] = [];
  const files: string[] = [];
  for (const p of paths) {
    const name = posix.normalize(p);
    if (name === 'values.yaml') {
      maps.push(chart.values ?? (new Map() as ValueMap));
      files.push(p);
      continue;
    }
    const file = chart.files.find((f) => f.name === name);
    if (!file) {
      if (ignoreMissing) continue;
      throw new BuildError(BuildReasons.ValuesFilesMerge, `no values file found at path '${p}'`);
    }
    maps.push(parseValuesFile(p, file.data));
    files.push(p);
  }
  return { values: mergeValuesMaps(maps), files };
}

export interface RemoteBuildOptions {
  client: KubeClient;
  storage: ArtifactStorage;
  /** force ignores the stored artifact (a new generation). */
  force: boolean;
  signal?: AbortSignal;
}

/** storedChart reads the name and version of the stored chart package, undefined when it does not load. */
async function storedChart(
  storage: ArtifactStorage,
  chart: HelmChart,
): Promise<{ name: string; version: string } | undefined> {
  const artifact = chart.status?.artifact;
  if (!artifact) return undefined;
  try {
    const md = loadArchive(await readFile(storage.localPath(artifact))).metadata;
    return { name: md.name, version: md.version };
  } catch {
    return undefined;
  }
}

/** buildFromHelmRepository resolves, and if needed downloads, the chart the HelmChart asks for. */
export async function buildFromHelmRepository(
  chart: HelmChart,
  repo: HelmRepository,
  opts: RemoteBuildOptions,
): Promise<ChartBuild> {
  const repoArtifact = repo.status?.artifact;
  if (!repoArtifact) throw new Error(`HelmRepository '${repo.metadata.name ?? ''}' has no artifact`);

  let version;
  try {
    const index = parseIndex(await readFile(opts.storage.localPath(repoArtifact)));
    version = selectChartVersion(index, chart.spec.chart, chart.spec.version ?? '*');
  } catch (err) {
    throw new BuildError(
      BuildReasons.ChartReference,
      `failed to get chart version for remote reference: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  // Values files make a new package: the generation goes into its version so that consumers notice a change.
  const valuesFiles = chart.spec.valuesFiles ?? [];
  const packaging = valuesFiles.length > 0;
  const build: ChartBuild = {
    name: version.name,
    version: packaging ? setVersionMetadata(version.version, String(chart.metadata.generation ?? 0)) : version.version,
    packaged: packaging,
    valuesFiles: [],
  };
  if (!opts.force) {
    const stored = await storedChart(opts.storage, chart);
    if (stored?.name === build.name && stored.version === build.version) {
      return { ...build, valuesFiles: chart.status?.observedValuesFiles ?? [...valuesFiles] };
    }
  }

  const { options } = await helmClientOptions(opts.client, repo);
  let bytes: Buffer;
  try {
    bytes = await new HelmRepositoryClient(options).downloadChart(version, opts.signal);
  } catch (err) {
    throw new BuildError(
      BuildReasons.ChartPull,
      `failed to download chart for remote reference: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  let loaded;
  try {
    loaded = loadArchive(bytes);
  } catch (err) {
    throw new BuildError(
      BuildReasons.ChartPull,
      `failed to load chart metadata from written chart: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  if (!packaging) return { ...build, bytes };
  loaded.metadata.version = build.version;
  const merged = mergeChartValues(loaded, valuesFiles, chart.spec.ignoreMissingValuesFiles ?? false);
  if (overwriteDefaultValues(loaded, merged.values)) build.valuesFiles = merged.files;
  return { ...build, bytes: packageChart(loaded) };
}
