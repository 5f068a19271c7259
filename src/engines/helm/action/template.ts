import { posix } from 'node:path';

import { type FuncMap, Template } from '../../gotemplate/index.ts';
import type { ChartFileSystem } from '../chart/fs.ts';
import { loadChart } from '../chart/load.ts';
import { goMatch } from '../chart/match.ts';
import type { Chart } from '../chart/types.ts';
import type { Lookup } from '../render/engine.ts';
import { goTrimSpace, splitManifests } from '../release/manifests.ts';
import { mergeValues, type ReadFile, type ValueOptions } from '../values/options.ts';
import type { ValueMap } from '../values/value.ts';
import { quote as goQuote } from '../../gotemplate/index.ts';
import {
  HelmError,
  releaseCapabilities,
  ReleaseRenderError,
  renderChart,
  type RenderedRelease,
} from './render-chart.ts';

/**
 * `helm template` as Helm v4.2.4 runs it: name and chart from the arguments, user values, the chart loaded and
 * checked, dependencies processed, values coalesced and validated against the charts' schemas, templates
 * rendered, NOTES set aside, manifests and hooks sorted, and the output assembled byte for byte as helm prints it.
 */

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

/** nameAndChart is Install.NameAndChart for `helm template` (whose default release name is `release-name`). */
function nameAndChart(opts: TemplateOptions): { name: string; chart: string } {
  const args = opts.args;
  // cobra's Args check (helm's require.MinimumNArgs(1)) runs before the command.
  if (args.length === 0) {
    throw new HelmError('"helm template" requires at least 1 argument\n\nUsage:  helm template [NAME] [CHART] [flags]');
  }
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

/** renderRelease runs `helm template`'s pipeline up to the release's manifest, hooks and notes. */
export function renderRelease(opts: TemplateOptions): RenderedRelease {
  releaseCapabilities(opts);
  const { name, chart: chartRef } = nameAndChart(opts);
  const chartPath = locateChart(opts, chartRef);
  let config: ValueMap;
  try {
    // Paths go to readFile as given: helm names them so in its errors (`open nope.yaml: …`).
    config = mergeValues(opts.values ?? {}, opts.readFile);
  } catch (err) {
    throw new HelmError((err as Error).message, { cause: err });
  }
  let chart: Chart;
  try {
    chart = loadChart(opts.fs, chartPath);
  } catch (err) {
    throw new HelmError((err as Error).message, { cause: err });
  }
  const { fs: _fs, args: _args, cwd: _cwd, values: _values, readFile: _readFile, ...ctx } = opts;
  return renderChart(chart, config, { ...ctx, name, namespace: opts.namespace ?? '' });
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
