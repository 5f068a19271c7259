// Charts from a GitRepository or Bucket (source-controller's local chart builder over the source artifact
// extracted to a work directory): the chart at `spec.chart` inside it, its version with the `+<metadata>` Flux
// adds for `reconcileStrategy: Revision` and for values files, the stored package reused when it already has that
// name and version (unless the spec changed), else values files (paths from the artifact's root) merged over the
// defaults, missing dependencies added, and the chart packaged as `helm package` packages it.
import { readFile, stat } from 'node:fs/promises';

import { loadArchive, loadChart, nodeChartFileSystem, type Chart, type ValueMap } from '../../../engines/helm/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import { BuildError, BuildReasons, type ChartBuild } from './build.ts';
import { buildDependencies, DependencyError, scopedJoin, type RepositoryResolver } from './dependencies.ts';
import {
  mergeValuesMaps,
  overwriteDefaultValues,
  packageChart,
  parseValuesFile,
  setVersionMetadata,
} from './package.ts';

export interface LocalBuildOptions {
  /** workDir is the extracted source artifact; chartPath is `spec.chart`, relative to it. */
  workDir: string;
  chartPath: string;
  valuesFiles: readonly string[];
  ignoreMissingValuesFiles: boolean;
  /** versionMetadata is appended as `+<metadata>` to the chart version when not empty. */
  versionMetadata: string;
  /** cachedChart is the stored package (its local path), reused when its name and version match. */
  cachedChart?: string;
  cachedValuesFiles?: string[];
  force: boolean;
  resolveRepository: RepositoryResolver;
}

/** versionMetadataFor is Flux's VersionMetadata: the revision's first 12 hex digits (Revision), `.`, generation (values files). */
export function versionMetadataFor(
  kind: string,
  strategy: string | undefined,
  revision: string,
  generation: number,
  hasValuesFiles: boolean,
): string {
  let metadata = '';
  if (strategy === 'Revision') {
    // A Git revision is `<ref>@sha1:<hex>`, a Bucket's `sha256:<hex>`: the hex is what goes into the version.
    const hex = /(?:^|[@:])([0-9a-f]{40,128})$/u.exec(revision)?.[1] ?? revision;
    metadata = kind === 'GitRepository' || kind === 'Bucket' ? hex.slice(0, 12) : hex;
  }
  if (hasValuesFiles) metadata += `${metadata === '' ? '' : '.'}${generation}`;
  return metadata;
}

/** mergeFileValues reads the values files from the source root in order (missing ones skipped when allowed). */
async function mergeFileValues(
  workDir: string,
  paths: readonly string[],
  ignoreMissing: boolean,
): Promise<{ values: ValueMap; files: string[] }> {
  const maps: ValueMap[] = [];
  const files: string[] = [];
  for (const p of paths) {
    const path = scopedJoin(workDir, p);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) {
      if (ignoreMissing) continue;
      const shown = path.slice(workDir.length);
      throw new BuildError(BuildReasons.ValuesFilesMerge, `no values file found at path '${shown}' (reference '${p}')`);
    }
    maps.push(parseValuesFile(p, await readFile(path)));
    files.push(p);
  }
  return { values: mergeValuesMaps(maps), files };
}

/** cachedMatch loads the stored chart's metadata; a corrupt one is ignored, as Flux ignores it. */
async function cachedMetadata(path: string): Promise<{ name: string; version: string } | undefined> {
  try {
    const md = loadArchive(await readFile(path)).metadata;
    return { name: md.name, version: md.version };
  } catch {
    return undefined;
  }
}

function loadAt(workDir: string, path: string): Chart {
  try {
    return loadChart(nodeChartFileSystem, path);
  } catch (err) {
    // Paths inside the work directory are printed relative to the artifact, never as temp paths.
    throw new BuildError(BuildReasons.ChartReference, errorMessage(err).replaceAll(workDir, ''), { cause: err });
  }
}

/** buildFromSourceArtifact builds (or finds already stored) the chart at `chartPath` of an extracted source. */
export async function buildFromSourceArtifact(opts: LocalBuildOptions): Promise<ChartBuild> {
  const path = scopedJoin(opts.workDir, opts.chartPath);
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw new BuildError(BuildReasons.ChartReference, `stat ${opts.chartPath}: no such file or directory`);
  }
  const chart = loadAt(opts.workDir, path);
  const name = chart.metadata.name;
  const version = opts.versionMetadata
    ? setVersionMetadata(chart.metadata.version, opts.versionMetadata)
    : chart.metadata.version;
  const build: ChartBuild = { name, version, packaged: true, valuesFiles: [...opts.valuesFiles] };

  if (opts.cachedChart && !opts.force) {
    const cached = await cachedMetadata(opts.cachedChart);
    if (cached?.name === name && cached.version === version) {
      return { ...build, valuesFiles: opts.cachedValuesFiles ?? build.valuesFiles };
    }
  }

  build.valuesFiles = [];
  // A packaged chart that needs no change is stored as it is in the source.
  if (!info.isDirectory() && opts.versionMetadata === '' && opts.valuesFiles.length === 0) {
    return { ...build, packaged: false, bytes: await readFile(path) };
  }
  if (opts.valuesFiles.length > 0) {
    const merged = await mergeFileValues(opts.workDir, opts.valuesFiles, opts.ignoreMissingValuesFiles);
    if (overwriteDefaultValues(chart, merged.values)) build.valuesFiles = merged.files;
  }
  chart.metadata.version = version;
  if (info.isDirectory()) {
    try {
      await buildDependencies(opts.workDir, path, chart, opts.resolveRepository);
    } catch (err) {
      if (!(err instanceof DependencyError)) throw err;
      throw new BuildError(BuildReasons.DependencyBuild, err.message, { cause: err });
    }
  }
  return { ...build, bytes: packageChart(chart) };
}
