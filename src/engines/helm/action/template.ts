import { posix } from 'node:path';

import { type FuncMap, Template } from '../../gotemplate/index.ts';
import { FluxtsError } from '../../../util/errors.ts';
import { processDependencies, isCompatibleRange, missingDependencies } from '../chart/dependencies.ts';
import type { ChartFileSystem } from '../chart/fs.ts';
import { loadChart } from '../chart/load.ts';
import { goMatch } from '../chart/match.ts';
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
import {
  goTrimSpace,
  type Hook,
  ManifestParseError,
  type Manifest,
  sortManifests,
  splitManifests,
} from '../release/manifests.ts';
import { validateAgainstSchema } from '../schema/validate.ts';
import { coalesceValues } from '../values/coalesce.ts';
import { mergeValues, type ReadFile, type ValueOptions } from '../values/options.ts';
import type { ValueMap } from '../values/value.ts';
import { quote as goQuote } from '../../gotemplate/index.ts';

/**
 * `helm template` as Helm v4.2.4 runs it: name and chart from the arguments, user values, the chart loaded and
 * checked, dependencies processed, values coalesced and validated against the charts' schemas, templates
 * rendered, NOTES set aside, manifests and hooks sorted, and the output assembled byte for byte as helm prints it.
 */

/** HelmError is a failure `helm template` reports; `message` is exactly what follows `Error: `. */
export class HelmError extends FluxtsError {}

export interface TemplateOptions {
  fs: ChartFileSystem;
  /** args: the positional arguments, `[NAME] CHART`. */
  args: readonly string[];
  /** cwd resolves relative paths (CHART, values files), as the process's working directory does for helm. */
  cwd: string;
  namespace?: string;
  values?: ValueOptions;
  /** readFile reads values files and --set-file files (relative to cwd). */
  readFile: ReadFile;
  kubeVersion?: string;
  apiVersions?: readonly string[];
  includeCrds?: boolean;
  skipTests?: boolean;
  noHooks?: boolean;
  showOnly?: readonly string[];
  isUpgrade?: boolean;
  nameTemplate?: string;
  generateName?: boolean;
  skipSchemaValidation?: boolean;
  /** functions: the Sprig function map (templates use it; `--name-template` too). */
  functions?: FuncMap;
  lookup?: Lookup;
  /** warn receives what helm logs on stderr (deprecated charts, coalescing warnings). */
  warn?: (message: string) => void;
  maxOutputLength?: number;
  deadline?: number;
}

/** RenderedRelease is what a render produces for a release: its manifest text, hooks and notes. */
export interface RenderedRelease {
  name: string;
  namespace: string;
  chart: Chart;
  /** config: the user-supplied values (what a release stores as `config`). */
  config: ValueMap;
  /** values: the coalesced values templates saw. */
  values: ValueMap;
  /** manifest: CRDs (with --include-crds) and manifests as `---\n# Source: …\n…\n` blocks. */
  manifest: string;
  manifests: Manifest[];
  hooks: Hook[];
  notes: string;
}

const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** validateReleaseName is chartutil.ValidateReleaseName. */
export function validateReleaseName(name: string): string | undefined {
  if (name === '') return 'no name provided';
  if (Buffer.byteLength(name) > 53 || !RELEASE_NAME.test(name)) {
    return `invalid release name, must match regex ${RELEASE_NAME.source} and the length must not be longer than 53`;
  }
  return undefined;
}

/** nameAndChart is Install.NameAndChart for `helm template` (whose default release name is `release-name`). */
function nameAndChart(opts: TemplateOptions): { name: string; chart: string } {
  const args = opts.args;
  if (args.length > 2) {
    throw new HelmError(`expected at most two arguments, unexpected arguments: ${args.slice(2).join(', ')}`);
  }
  if (args.length === 2) {
    if (opts.generateName === true) throw new HelmError('cannot set --generate-name and also specify a name');
    if (opts.nameTemplate !== undefined && opts.nameTemplate !== '') {
      throw new HelmError('cannot set --name-template and also specify a name');
    }
    return { name: args[0]!, chart: args[1]! };
  }
  if (opts.nameTemplate !== undefined && opts.nameTemplate !== '') {
    let name: string;
    try {
      name = new Template('name-template')
        .funcs(opts.functions ?? {})
        .parse(opts.nameTemplate)
        .execute(null);
    } catch (err) {
      throw new HelmError((err as Error).message, { cause: err });
    }
    return { name, chart: args[0]! };
  }
  return { name: 'release-name', chart: args[0]! };
}

/** locateChart is ChartPathOptions.LocateChart without repositories: a local path, absolute afterwards. */
function locateChart(opts: TemplateOptions, name: string): string {
  const trimmed = name.trim();
  const abs = posix.resolve(opts.cwd, trimmed);
  try {
    opts.fs.stat(abs);
    return abs;
  } catch {
    if (trimmed.startsWith('/') || trimmed.startsWith('.')) throw new HelmError(`path ${goQuote(trimmed)} not found`);
    if (!trimmed.includes('/')) {
      throw new HelmError(`non-absolute URLs should be in form of repo_name/path_to_chart, got: ${trimmed}`);
    }
    throw new HelmError(
      `repo ${trimmed.split('/')[0]} not found (fluxts renders local charts only: pull the chart first)`,
    );
  }
}

function capabilitiesFor(opts: TemplateOptions): Capabilities {
  const caps = defaultCapabilities();
  if (opts.kubeVersion !== undefined && opts.kubeVersion !== '') {
    try {
      caps.kubeVersion = parseKubeVersion(opts.kubeVersion);
    } catch (err) {
      if (err instanceof KubeVersionError) {
        throw new HelmError(`invalid kube version '${opts.kubeVersion}': ${err.message}`);
      }
      throw err;
    }
  }
  caps.apiVersions = [...caps.apiVersions, ...(opts.apiVersions ?? [])];
  return caps;
}

/** ReleaseRenderError is a failure after the release exists (helm adds its `--debug` hint to those). */
export class ReleaseRenderError extends HelmError {}

/** renderRelease runs `helm template`'s pipeline up to the release's manifest, hooks and notes. */
export function renderRelease(opts: TemplateOptions): RenderedRelease {
  const caps = capabilitiesFor(opts);
  const { name, chart: chartRef } = nameAndChart(opts);
  const chartPath = locateChart(opts, chartRef);
  const warn = opts.warn ?? (() => {});
  let config: ValueMap;
  try {
    config = mergeValues(opts.values ?? {}, (p) => opts.readFile(posix.resolve(opts.cwd, p)));
  } catch (err) {
    throw new HelmError((err as Error).message, { cause: err });
  }
  let chart: Chart;
  try {
    chart = loadChart(opts.fs, chartPath);
  } catch (err) {
    throw new HelmError((err as Error).message, { cause: err });
  }
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
  const namespace = opts.namespace !== undefined && opts.namespace !== '' ? opts.namespace : 'default';
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
  if (opts.skipSchemaValidation !== true) {
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
  const isUpgrade = opts.isUpgrade === true;
  let files: Map<string, string>;
  try {
    files = render(
      {
        chart,
        values,
        release: releaseObject({ name, namespace, isUpgrade, isInstall: !isUpgrade, revision: 1 }),
        capabilities: capabilitiesValue(caps),
      },
      {
        ...(opts.functions !== undefined ? { functions: opts.functions } : {}),
        ...(opts.lookup !== undefined ? { lookup: opts.lookup } : {}),
        ...(opts.maxOutputLength !== undefined ? { maxOutputLength: opts.maxOutputLength } : {}),
        ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}),
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
  let sorted;
  try {
    sorted = sortManifests(files);
  } catch (err) {
    if (err instanceof ManifestParseError) throw new ReleaseRenderError(err.message, { cause: err });
    throw err;
  }
  let manifest = '';
  if (opts.includeCrds === true) {
    const dec = new TextDecoder();
    for (const crd of chart.crdObjects()) manifest += `---\n# Source: ${crd.filename}\n${dec.decode(crd.file.data)}\n`;
  }
  for (const m of sorted.manifests) manifest += `---\n# Source: ${m.name}\n${m.content}\n`;
  return {
    name,
    namespace,
    chart,
    config,
    values,
    manifest,
    manifests: sorted.manifests,
    hooks: sorted.hooks,
    notes,
  };
}

const SOURCE = /# Source: [^/]+\/(.+)/;

/** helmTemplate returns exactly what `helm template` prints on stdout, or throws HelmError with its message. */
export function helmTemplate(opts: TemplateOptions): string {
  let rel: RenderedRelease;
  try {
    rel = renderRelease(opts);
  } catch (err) {
    if (err instanceof ReleaseRenderError) {
      throw new HelmError(`${err.message}\n\nUse --debug flag to render out invalid YAML`, { cause: err });
    }
    throw err;
  }
  let out = goTrimSpace(rel.manifest) + '\n';
  if (opts.noHooks !== true) {
    for (const h of rel.hooks) {
      if (opts.skipTests === true && h.events.includes('test')) continue;
      out += `---\n# Source: ${h.path}\n${h.manifest}\n`;
    }
  }
  const showOnly = opts.showOnly ?? [];
  if (showOnly.length === 0) return out;
  const docs = splitManifests(out);
  let shown = '';
  for (const f of showOnly) {
    let missing = true;
    for (const doc of docs) {
      const m = SOURCE.exec(doc);
      if (m === null) continue;
      if (!safeMatch(f, m[1]!)) continue;
      shown += `---\n${doc}\n`;
      missing = false;
    }
    if (missing) throw new HelmError(`could not find template ${f} in chart`);
  }
  return shown;
}

/** safeMatch is filepath.Match whose error counts as no match, as `--show-only` treats it. */
function safeMatch(pattern: string, name: string): boolean {
  try {
    return goMatch(pattern, name);
  } catch {
    return false;
  }
}
