// A chart build's outcome and its failures, as source-controller's chart builder reports them: `Build.Summary()`
// (`pulled 'podinfo' chart with version '6.5.0'`) and BuildError reasons, of which a bad reference, a version
// metadata patch and values files merging are persistent (the object stalls until it changes).
import { SourceReason } from '../../../api/index.ts';
import { FluxtsError } from '../../../util/errors.ts';

/** BuildReason is a BuildErrorReason: the condition reason and the summary that prefixes the message. */
export interface BuildReason {
  reason: string;
  summary: string;
}

export const BuildReasons = {
  ChartReference: { reason: SourceReason.InvalidChartReference, summary: 'invalid chart reference' },
  ChartPull: { reason: SourceReason.ChartPullError, summary: 'chart pull error' },
  MetadataPatch: { reason: SourceReason.MetadataPatchError, summary: 'chart metadata patch error' },
  ValuesFilesMerge: { reason: SourceReason.ValuesFilesError, summary: 'values files merge error' },
  DependencyBuild: { reason: SourceReason.DependencyBuildError, summary: 'dependency build error' },
  ChartPackage: { reason: SourceReason.ChartPackageError, summary: 'chart package error' },
} as const satisfies Record<string, BuildReason>;

const PERSISTENT = new Set<BuildReason>([
  BuildReasons.ChartReference,
  BuildReasons.MetadataPatch,
  BuildReasons.ValuesFilesMerge,
]);

/** BuildError is a failed chart build: `<summary>: <cause>`, e.g. `chart pull error: failed to download …`. */
export class BuildError extends FluxtsError {
  readonly buildReason: BuildReason;
  constructor(reason: BuildReason, message: string, options?: { cause?: unknown }) {
    super(`${reason.summary}: ${message}`, options);
    this.buildReason = reason;
  }

  /** persistent: retrying cannot help until the object changes. */
  get persistent(): boolean {
    return PERSISTENT.has(this.buildReason);
  }

  /** fetchFailure: the failure is recorded as FetchFailed (else BuildFailed), as Flux's observeChartBuild does. */
  get fetchFailure(): boolean {
    return this.buildReason === BuildReasons.ChartReference || this.buildReason === BuildReasons.ChartPull;
  }
}

/** ChartBuild is what a build produced (or found already in storage). */
export interface ChartBuild {
  name: string;
  version: string;
  /** bytes of the chart package; undefined when the stored artifact already is this build. */
  bytes?: Buffer;
  packaged: boolean;
  valuesFiles: string[];
}

/** buildSummary is `Build.Summary()`. */
export function buildSummary(build: ChartBuild, stored: boolean): string {
  const action = stored || build.bytes !== undefined ? (build.packaged ? 'packaged' : 'pulled') : 'new';
  let s = `${action} '${build.name}' chart with version '${build.version}'`;
  if (build.valuesFiles.length > 0) s += ` and merged values files [${build.valuesFiles.join(' ')}]`;
  return s;
}
