// The chart of a HelmRelease as the source-controller would build it, fetched by the CLI for `build helmrelease`:
// the HelmChart that spec.chart stands for (or the HelmChart of spec.chartRef), its source found in the local
// manifests or else in the cluster, then either the chart version Helm picks from an HTTP HelmRepository's index
// (downloaded with the repository's credentials from the cluster) or the chart directory of a GitRepository or
// Bucket read from a local checkout (--local-sources), values files merged and version metadata set as Flux does.
import { execFileSync } from 'node:child_process';

import type { HelmChart, HelmRelease, HelmRepository } from '../../api/index.ts';
import { buildHelmChart, chartTemplateRef } from '../../controllers/helm/index.ts';
import {
  buildFromSourceArtifact,
  helmClientOptions,
  mergeChartValues,
  overwriteDefaultValues,
  repositoryFromIndex,
  setVersionMetadata,
  versionMetadataFor,
} from '../../controllers/source/helmchart/index.ts';
import { loadArchive, type Chart } from '../../engines/helm/index.ts';
import {
  HelmRepositoryClient,
  selectChartVersion,
  type HelmRepositoryClientOptions,
} from '../../fetchers/helm/index.ts';
import { isNotFound, type KubeClient, type KubeObject } from '../../kube/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { CliBuildError } from './kustomization-build.ts';
import { CliInputError } from './errors.ts';
import type { LocalManifests } from './local-manifests.ts';

const SOURCE_API = 'source.toolkit.fluxcd.io/v1';

/** ChartLookup is where the chart's objects are looked up: the local manifests first, then the cluster. */
export interface ChartLookup {
  manifests: LocalManifests;
  /** client is absent with --dry-run: nothing is read from the cluster then. */
  client?: KubeClient | undefined;
  /** localSources maps `Kind/namespace/name` of a GitRepository or Bucket to a local checkout. */
  localSources: Readonly<Record<string, string>>;
}

async function liveObject<T extends KubeObject>(
  client: KubeClient | undefined,
  kind: string,
  namespace: string,
  name: string,
): Promise<T | undefined> {
  if (!client) return undefined;
  try {
    return await client.get<T>({ apiVersion: SOURCE_API, kind }, { namespace, name });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** lookupSource finds a source object in the manifests, else in the cluster; a missing one is an input error. */
async function lookupSource<T extends KubeObject>(
  at: ChartLookup,
  kind: string,
  namespace: string,
  name: string,
): Promise<T> {
  const found = at.manifests.find<T>(kind, namespace, name) ?? (await liveObject<T>(at.client, kind, namespace, name));
  if (found) return found;
  const where = at.client ? 'in --path nor in the cluster' : 'in --path (--dry-run does not read the cluster)';
  throw new CliInputError(`${kind} '${namespace}/${name}' not found ${where}`, {
    hint: `add the ${kind} to the manifests under --path, or apply it to the cluster`,
  });
}

/**
 * templateGeneration is the generation the HelmChart of spec.chart would have once applied: the live one's when
 * its spec is what the template makes, one more when the template changes it, 1 for a new HelmChart. It ends up in
 * the chart version when values files are merged (`6.5.0+2`), so templates that print the version see the same.
 */
async function templateGeneration(at: ChartLookup, desired: KubeObject): Promise<number> {
  const { namespace = '', name = '' } = desired.metadata;
  const live = await liveObject<HelmChart>(at.client, 'HelmChart', namespace, name);
  if (!live) return 1;
  const generation = live.metadata.generation ?? 1;
  const wanted = desired['spec'] as Record<string, unknown>;
  const liveSpec = live.spec as unknown as Record<string, unknown>;
  const same = Object.keys(wanted).every((k) => JSON.stringify(wanted[k]) === JSON.stringify(liveSpec[k]));
  return same ? generation : generation + 1;
}

/** chartObject is the HelmChart the release's chart comes from (template or chartRef). */
async function chartObject(hr: HelmRelease, at: ChartLookup): Promise<HelmChart> {
  const ns = hr.metadata.namespace ?? '';
  if (hr.spec.chart) {
    const desired = buildHelmChart(hr);
    desired.metadata.generation = await templateGeneration(at, desired);
    return desired as unknown as HelmChart;
  }
  const ref = hr.spec.chartRef;
  if (!ref) throw new CliInputError(`HelmRelease '${ns}/${hr.metadata.name ?? ''}' has neither chart nor chartRef`);
  if (ref.kind !== 'HelmChart') {
    throw new CliInputError(`chartRef of kind ${ref.kind} is not supported by build helmrelease`, {
      hint: 'build supports spec.chart templates and chartRef to a HelmChart (HTTP Helm repositories, Git, Bucket)',
    });
  }
  return lookupSource<HelmChart>(at, 'HelmChart', ref.namespace || ns, ref.name);
}

/** fromHelmRepository downloads the chart version the HelmChart's range picks from the repository's index. */
async function fromHelmRepository(chart: HelmChart, repo: HelmRepository, at: ChartLookup): Promise<Chart> {
  const subject = `HelmRepository '${repo.metadata.namespace ?? ''}/${repo.metadata.name ?? ''}'`;
  if (repo.spec.type === 'oci') {
    throw new CliInputError(`${subject} is of type oci, which build helmrelease does not fetch yet`);
  }
  let options: HelmRepositoryClientOptions;
  if (at.client) {
    options = (await helmClientOptions(at.client, repo)).options;
  } else if (repo.spec.secretRef || repo.spec.certSecretRef) {
    throw new CliInputError(`${subject} needs credentials from a Secret, which --dry-run does not read`, {
      hint: 'drop --dry-run so the Secret is read from the cluster',
    });
  } else {
    options = { repositoryUrl: repo.spec.url, timeoutMs: 60_000 };
  }
  const client = new HelmRepositoryClient(options);
  try {
    const index = await client.loadIndex();
    const version = selectChartVersion(index, chart.spec.chart, chart.spec.version ?? '*');
    const loaded = loadArchive(await client.downloadChart(version));
    const valuesFiles = chart.spec.valuesFiles ?? [];
    if (valuesFiles.length > 0) {
      const merged = mergeChartValues(loaded, valuesFiles, chart.spec.ignoreMissingValuesFiles ?? false);
      overwriteDefaultValues(loaded, merged.values);
      loaded.metadata.version = setVersionMetadata(loaded.metadata.version, String(chart.metadata.generation ?? 0));
    }
    return loaded;
  } catch (err) {
    if (err instanceof CliInputError) throw err;
    throw new CliBuildError(`chart '${chart.spec.chart}' from ${subject}: ${errorMessage(err)}`, { cause: err });
  }
}

/** gitRevision is the checkout's HEAD as Flux writes revisions (`sha1:<hex>`), '' outside a Git work tree. */
function gitRevision(dir: string): string {
  try {
    const hex = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: 'pipe' }).trim();
    return `sha1:${hex}`;
  } catch {
    return '';
  }
}

/** fromLocalSource builds the chart directory of a GitRepository or Bucket from its local checkout. */
async function fromLocalSource(chart: HelmChart, key: string, dir: string): Promise<Chart> {
  const valuesFiles = chart.spec.valuesFiles ?? [];
  try {
    const build = await buildFromSourceArtifact({
      workDir: dir,
      chartPath: chart.spec.chart,
      valuesFiles,
      ignoreMissingValuesFiles: chart.spec.ignoreMissingValuesFiles ?? false,
      versionMetadata: versionMetadataFor(
        chart.spec.sourceRef.kind,
        chart.spec.reconcileStrategy,
        gitRevision(dir),
        chart.metadata.generation ?? 0,
        valuesFiles.length > 0,
      ),
      force: true,
      // Remote dependencies come from the bare repository URL, as Flux resolves a URL no HelmRepository names.
      resolveRepository: (url) => {
        const client = new HelmRepositoryClient({ repositoryUrl: url, timeoutMs: 60_000 });
        return client.loadIndex().then((index) => repositoryFromIndex(index, (v) => client.downloadChart(v)));
      },
    });
    if (!build.bytes) throw new Error('the chart was not packaged');
    return loadArchive(build.bytes);
  } catch (err) {
    throw new CliBuildError(`chart '${chart.spec.chart}' from ${key} (${dir}): ${errorMessage(err)}`, { cause: err });
  }
}

/** fetchReleaseChart returns the chart the helm-controller would install for the HelmRelease, loaded. */
export async function fetchReleaseChart(hr: HelmRelease, at: ChartLookup): Promise<Chart> {
  const chart = await chartObject(hr, at);
  const ns = chart.metadata.namespace || chartTemplateRef(hr).namespace;
  const src = chart.spec.sourceRef;
  if (src.kind === 'HelmRepository') {
    return fromHelmRepository(chart, await lookupSource<HelmRepository>(at, src.kind, ns, src.name), at);
  }
  const key = `${src.kind}/${ns}/${src.name}`;
  const dir = at.localSources[key];
  if (dir === undefined) {
    throw new CliInputError(`cannot get local path for ${key} of HelmChart '${ns}/${chart.metadata.name ?? ''}'`, {
      hint: `pass --local-sources ${key}=<local checkout of that source>`,
    });
  }
  return fromLocalSource(chart, key, dir);
}
