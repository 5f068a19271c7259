// source-controller's DependencyManager for charts built from a directory: the dependencies Chart.yaml (or
// Chart.lock, which wins) names that `charts/` does not already hold are added, `file://` ones loaded from the
// source artifact (scoped inside it), HTTP(S) ones downloaded from the repository at that URL, which the caller
// resolves (a HelmRepository object with that URL in the chart's namespace, with its credentials and stored
// index, or else the bare URL, as Flux does).
import { posix } from 'node:path';

import {
  loadArchive,
  loadChart,
  nodeChartFileSystem,
  type Chart,
  type Dependency,
} from '../../../engines/helm/index.ts';
import { parseVersion, satisfies, SemverError } from '../../../engines/semver-range/index.ts';
import { normalizeURL, selectChartVersion, type ChartVersion } from '../../../fetchers/helm/index.ts';
import { errorMessage, FluxtsError } from '../../../util/errors.ts';

/** ChartRepository is what a remote dependency needs of its repository. */
export interface ChartRepository {
  chartVersion(name: string, version: string): Promise<ChartVersion>;
  download(version: ChartVersion): Promise<Buffer>;
}

/** RepositoryResolver returns the repository for a normalised dependency URL. */
export type RepositoryResolver = (normalizedUrl: string) => Promise<ChartRepository>;

/** DependencyError is one dependency that could not be added; the message is Flux's. */
export class DependencyError extends FluxtsError {}

/** scopedJoin is securejoin.SecureJoin without symlinks (artifacts are extracted without them): `..` stops at root. */
export function scopedJoin(root: string, unsafe: string): string {
  return posix.join(root, posix.normalize(`/${unsafe}`));
}

/** missingDependencies is Flux's collectMissing: requested entries (by alias or name) whose chart is absent. */
export function missingDependencies(chart: Chart): Map<string, Dependency> {
  const requested = (chart.lock?.dependencies ?? chart.metadata.dependencies ?? []).filter(
    (d): d is Dependency => d !== null,
  );
  const missing = new Map<string, Dependency>();
  if (chart.dependencies.length === requested.length) return missing;
  for (const dep of requested) {
    if (chart.dependencies.some((existing) => existing.name === dep.name)) continue;
    missing.set(dep.alias || dep.name, dep);
  }
  return missing;
}

function checkConstraint(dep: Dependency, version: string): void {
  let ok: boolean;
  try {
    parseVersion(version);
    ok = satisfies(dep.version, version);
  } catch (err) {
    if (err instanceof SemverError) {
      throw new DependencyError(`invalid version/constraint format '${dep.version}': ${err.message}`, { cause: err });
    }
    throw err;
  }
  if (!ok) throw new DependencyError(`can't get a valid version for constraint '${dep.version}'`);
}

function localDependency(workDir: string, chartDir: string, dep: Dependency): Chart {
  let url: URL;
  try {
    url = new URL(dep.repository);
  } catch (err) {
    throw new DependencyError(`failed to parse alleged local chart reference: ${errorMessage(err)}`, { cause: err });
  }
  // `file://../common` parses with `..` as the host: Flux joins host and path the same way.
  const rel = posix.join(posix.relative(workDir, chartDir), decodeURIComponent(url.host + url.pathname));
  const path = scopedJoin(workDir, rel);
  const shown = path.slice(workDir.length);
  let chart: Chart;
  try {
    nodeChartFileSystem.stat(path);
  } catch {
    throw new DependencyError(`no chart found at '${shown}' (reference '${dep.repository}')`);
  }
  try {
    chart = loadChart(nodeChartFileSystem, path);
  } catch (err) {
    throw new DependencyError(
      `failed to load chart from '${shown}' (reference '${dep.repository}'): ${errorMessage(err).replaceAll(workDir, '')}`,
      { cause: err },
    );
  }
  checkConstraint(dep, chart.metadata.version);
  return chart;
}

async function remoteDependency(resolve: RepositoryResolver, dep: Dependency): Promise<Chart> {
  let normalized: string;
  try {
    normalized = normalizeURL(dep.repository);
  } catch (err) {
    throw new DependencyError(errorMessage(err), { cause: err });
  }
  const scheme = new URL(normalized).protocol.replace(/:$/u, '');
  if (!['http', 'https', 'oci'].includes(scheme)) {
    throw new DependencyError(`the url scheme is not supported: ${scheme}`);
  }
  if (scheme === 'oci') throw new DependencyError('OCI chart dependencies are not supported by fluxts yet');
  let repo: ChartRepository;
  try {
    repo = await resolve(normalized);
  } catch (err) {
    throw new DependencyError(`failed to get chart repository for URL '${normalized}': ${errorMessage(err)}`, {
      cause: err,
    });
  }
  let version: ChartVersion;
  try {
    version = await repo.chartVersion(dep.name, dep.version);
  } catch (err) {
    throw new DependencyError(
      `failed to get chart '${dep.name}' version '${dep.version}' from '${dep.repository}': ${errorMessage(err)}`,
      { cause: err },
    );
  }
  let bytes: Buffer;
  try {
    bytes = await repo.download(version);
  } catch (err) {
    throw new DependencyError(`chart download of version '${version.version}' failed: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  try {
    return loadArchive(bytes);
  } catch (err) {
    throw new DependencyError(
      `failed to load downloaded archive of version '${version.version}': ${errorMessage(err)}`,
      { cause: err },
    );
  }
}

/**
 * buildDependencies adds the missing dependencies to a chart loaded from `chartDir` inside `workDir`, returns how
 * many it added. A failure names the dependency: `failed to add remote dependency 'redis': …`.
 */
export async function buildDependencies(
  workDir: string,
  chartDir: string,
  chart: Chart,
  resolve: RepositoryResolver,
): Promise<number> {
  const missing = missingDependencies(chart);
  for (const [name, dep] of missing) {
    const local = dep.repository.startsWith('file://');
    try {
      chart.addDependency(local ? localDependency(workDir, chartDir, dep) : await remoteDependency(resolve, dep));
    } catch (err) {
      throw new DependencyError(
        `failed to add ${local ? 'local' : 'remote'} dependency '${name}': ${errorMessage(err)}`,
        {
          cause: err,
        },
      );
    }
  }
  return missing.size;
}

/** repositoryFromIndex is a ChartRepository over a parsed index and a download function. */
export function repositoryFromIndex(
  index: Parameters<typeof selectChartVersion>[0],
  download: (version: ChartVersion) => Promise<Buffer>,
): ChartRepository {
  return {
    chartVersion: (name, version) => Promise.resolve(selectChartVersion(index, name, version)),
    download,
  };
}
