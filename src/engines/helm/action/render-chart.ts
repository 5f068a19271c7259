import type { FuncMap } from '../../gotemplate/index.ts';
import { FluxtsError } from '../../../util/errors.ts';
import { isCompatibleRange, missingDependencies, processDependencies } from '../chart/dependencies.ts';
import type { Chart } from '../chart/types.ts';
import {
  type Capabilities,
  capabilitiesValue,
  defaultCapabilities,
  KubeVersionError,
  kubeVersionString,
  parseKubeVersion,
} from '../render/capabilities.ts';
import { type Lookup, render } from '../render/engine.ts';
import { releaseObject } from '../render/model.ts';
import { type Hook, ManifestParseError, type Manifest, sortManifests } from '../release/manifests.ts';
import { validateAgainstSchema } from '../schema/validate.ts';
import { coalesceValues } from '../values/coalesce.ts';
import type { ValueMap } from '../values/value.ts';
import { quote as goQuote } from '../../gotemplate/index.ts';

/**
 * What Helm v4.2.4's install and upgrade actions do between "chart loaded, user values merged" and "release
 * record written": check the chart and release name, process dependencies, coalesce and validate values, render,
 * set NOTES aside, split hooks from manifests and sort both. `helm template` and the helm-controller share it.
 */

/** HelmError is a failure of a Helm action; `message` is exactly what helm prints after `Error: `. */
export class HelmError extends FluxtsError {}

/** ReleaseRenderError is a failure after the release exists (helm adds its `--debug` hint to those). */
export class ReleaseRenderError extends HelmError {}

/** ReleaseContext is the release a chart is rendered for, and the cluster it pretends to render against. */
export interface ReleaseContext {
  name: string;
  /** namespace: the release namespace (`default` when empty). */
  namespace: string;
  /** revision: `.Release.Revision` (1 for an install). */
  revision?: number;
  /** isUpgrade: `.Release.IsUpgrade` (then IsInstall is false). */
  isUpgrade?: boolean;
  /** kubeVersion: `.Capabilities.KubeVersion` as `--kube-version` takes it (`1.31.2`, `v1.31.2`, `1.31`). */
  kubeVersion?: string;
  /** apiVersions: added to Helm's default `.Capabilities.APIVersions`. */
  apiVersions?: readonly string[];
  /** includeCrds: put the charts' crds/ files (raw) first in `manifest`, as `helm template --include-crds`. */
  includeCrds?: boolean;
  skipSchemaValidation?: boolean;
  /** functions: the Sprig function map (engines/sprig's); Helm's own functions are added on top. */
  functions?: FuncMap;
  /** lookup: the cluster `lookup` reads; without it `lookup` returns an empty map, as `helm template` does. */
  lookup?: Lookup;
  /** warn receives what helm logs (deprecated charts, coalescing warnings). */
  warn?: (message: string) => void;
  /** maxOutputLength / deadline bound a hostile chart's render (characters; ms since the epoch). */
  maxOutputLength?: number;
  deadline?: number;
  /**
   * postRender replaces the rendered files (name → content, NOTES removed) before hooks and manifests are sorted
   * out of them, where Helm v4 runs a post-renderer; a throw fails the render as Helm's post-render error does.
   */
  postRender?: (files: Map<string, string>) => Map<string, string>;
}

/** RenderedRelease is a rendered release: what a release record stores, plus the values templates saw. */
export interface RenderedRelease {
  name: string;
  namespace: string;
  chart: Chart;
  /** config: the user-supplied values (what a release stores as `config`). */
  config: ValueMap;
  /** values: the coalesced values templates saw. */
  values: ValueMap;
  /** manifest: CRDs (with includeCrds) and manifests as `---\n# Source: …\n…\n` blocks, as a release stores it. */
  manifest: string;
  manifests: Manifest[];
  hooks: Hook[];
  notes: string;
}

const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** validateReleaseName is chartutil.ValidateReleaseName: undefined when valid, else the reason. */
export function validateReleaseName(name: string): string | undefined {
  if (name === '') return 'no name provided';
  if (Buffer.byteLength(name) > 53 || !RELEASE_NAME.test(name)) {
    return `invalid release name, must match regex ${RELEASE_NAME.source} and the length must not be longer than 53`;
  }
  return undefined;
}

/** releaseCapabilities is `.Capabilities` for a context: Helm's defaults, overridden and extended. */
export function releaseCapabilities(ctx: Pick<ReleaseContext, 'kubeVersion' | 'apiVersions'>): Capabilities {
  const caps = defaultCapabilities();
  if (ctx.kubeVersion !== undefined && ctx.kubeVersion !== '') {
    try {
      caps.kubeVersion = parseKubeVersion(ctx.kubeVersion);
    } catch (err) {
      if (err instanceof KubeVersionError) {
        throw new HelmError(`invalid kube version '${ctx.kubeVersion}': ${err.message}`);
      }
      throw err;
    }
  }
  caps.apiVersions = [...caps.apiVersions, ...(ctx.apiVersions ?? [])];
  return caps;
}

/** checkInstallable refuses what Helm refuses before rendering: library charts and missing dependencies. */
export function checkInstallable(chart: Chart, warn: (message: string) => void = () => {}): void {
  if (chart.metadata.type !== '' && chart.metadata.type !== 'application') {
    throw new HelmError(`${chart.metadata.type} charts are not installable`);
  }
  if (chart.metadata.deprecated) warn('this chart is deprecated');
  if ((chart.metadata.dependencies ?? []).length > 0) {
    const missing = missingDependencies(chart);
    if (missing.length > 0) {
      throw new HelmError(
        `an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: ${missing.join(', ')}`,
      );
    }
  }
}

/**
 * renderChart renders a loaded chart for a release, with the user-supplied values (`config`). The chart is
 * changed in place as Helm changes it (disabled subcharts removed, aliases applied, imported values merged into
 * its defaults), so load a fresh chart for each render. Throws HelmError (ReleaseRenderError once rendering
 * started) with Helm's message.
 *
 *     const chart = loadChart(nodeChartFileSystem, '/charts/podinfo');
 *     const rel = renderChart(chart, config, { name: 'web', namespace: 'apps', functions: sprigFunctions() });
 *     rel.manifests; rel.hooks; rel.notes;
 */
export function renderChart(chart: Chart, config: ValueMap, ctx: ReleaseContext): RenderedRelease {
  const caps = releaseCapabilities(ctx);
  const warn = ctx.warn ?? (() => {});
  checkInstallable(chart, warn);
  const name = ctx.name;
  const namespace = ctx.namespace !== '' ? ctx.namespace : 'default';
  const nameProblem = validateReleaseName(name);
  if (nameProblem !== undefined) {
    throw new HelmError(`release name check failed: release name ${goQuote(name)}: ${nameProblem}`);
  }
  try {
    processDependencies(chart, config, warn);
  } catch (err) {
    throw new HelmError(`chart dependencies processing failed: ${(err as Error).message}`, { cause: err });
  }
  let values: ValueMap;
  try {
    values = coalesceValues(chart, config, warn);
  } catch (err) {
    throw new HelmError((err as Error).message, { cause: err });
  }
  if (ctx.skipSchemaValidation !== true) {
    const problems = validateAgainstSchema(chart, values);
    if (problems !== undefined) {
      throw new HelmError(
        `values don't meet the specifications of the schema(s) in the following chart(s):\n${problems}`,
      );
    }
  }
  // From here on the release exists: helm points at --debug when something fails.
  if (chart.metadata.kubeVersion !== '') {
    if (!isCompatibleRange(chart.metadata.kubeVersion, kubeVersionString(caps.kubeVersion))) {
      throw new ReleaseRenderError(
        `chart requires kubeVersion: ${chart.metadata.kubeVersion} which is incompatible with Kubernetes ${caps.kubeVersion.version}`,
      );
    }
  }
  const isUpgrade = ctx.isUpgrade === true;
  let files: Map<string, string>;
  try {
    files = render(
      {
        chart,
        values,
        release: releaseObject({ name, namespace, isUpgrade, isInstall: !isUpgrade, revision: ctx.revision ?? 1 }),
        capabilities: capabilitiesValue(caps),
      },
      {
        ...(ctx.functions !== undefined ? { functions: ctx.functions } : {}),
        ...(ctx.lookup !== undefined ? { lookup: ctx.lookup } : {}),
        ...(ctx.maxOutputLength !== undefined ? { maxOutputLength: ctx.maxOutputLength } : {}),
        ...(ctx.deadline !== undefined ? { deadline: ctx.deadline } : {}),
      },
    );
  } catch (err) {
    throw new ReleaseRenderError((err as Error).message, { cause: err });
  }
  let notes = '';
  const notesFile = `${chart.name}/templates/NOTES.txt`;
  for (const [k, v] of [...files]) {
    if (k.endsWith('NOTES.txt')) {
      if (k === notesFile) notes = notes.length > 0 ? `${notes}\n${v}` : v;
      files.delete(k);
    }
  }
  if (ctx.postRender) {
    try {
      files = ctx.postRender(files);
    } catch (err) {
      throw new ReleaseRenderError(`error while running post render on files: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  let sorted;
  try {
    sorted = sortManifests(files);
  } catch (err) {
    if (err instanceof ManifestParseError) throw new ReleaseRenderError(err.message, { cause: err });
    throw err;
  }
  let manifest = '';
  if (ctx.includeCrds === true) {
    const dec = new TextDecoder();
    for (const crd of chart.crdObjects()) manifest += `---\n# Source: ${crd.filename}\n${dec.decode(crd.file.data)}\n`;
  }
  for (const m of sorted.manifests) manifest += `---\n# Source: ${m.name}\n${m.content}\n`;
  return { name, namespace, chart, config, values, manifest, manifests: sorted.manifests, hooks: sorted.hooks, notes };
}
