// Chart packaging as source-controller does it before storing a built chart: the chart's default values replaced
// by the merged values files (OverwriteChartDefaultValues) and the chart written as `helm package` writes it.
import { tarGz } from '../../../artifacts/index.ts';
import { marshalSigsYaml, type Value } from '../../../engines/goyaml/index.ts';
import {
  chartArchiveEntries,
  CHART_ARCHIVE_GZIP,
  decodeValuesDocument,
  mergeMaps,
  type Chart,
  type ValueMap,
} from '../../../engines/helm/index.ts';
import { parseVersion, SemverVersion } from '../../../engines/semver-range/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import { BuildError, BuildReasons } from './build.ts';

/** packageChart writes a chart as Helm's chartutil.Save does (files 0644, the current time, Helm's gzip header). */
export function packageChart(chart: Chart, now = new Date()): Buffer {
  try {
    const entries = chartArchiveEntries(chart);
    return tarGz(entries, {
      mode: 0o644,
      mtime: Math.floor(now.getTime() / 1000),
      gzipExtra: CHART_ARCHIVE_GZIP.extra,
      gzipComment: CHART_ARCHIVE_GZIP.comment,
    });
  } catch (err) {
    throw new BuildError(BuildReasons.ChartPackage, errorMessage(err), { cause: err });
  }
}

/** parseValuesFile is sigs.k8s.io/yaml.Unmarshal of a values file into a map, with Flux's error wording. */
export function parseValuesFile(path: string, data: Uint8Array): ValueMap {
  try {
    return decodeValuesDocument(data);
  } catch (err) {
    throw new BuildError(
      BuildReasons.ValuesFilesMerge,
      `unmarshaling values from '${path}' failed: ${errorMessage(err)}`,
      {
        cause: err,
      },
    );
  }
}

/** mergeValuesMaps merges in order, later files winning (Flux's transform.MergeMaps). */
export function mergeValuesMaps(maps: readonly ValueMap[]): ValueMap {
  return maps.reduce((acc, m) => mergeMaps(acc, m), new Map() as ValueMap);
}

/**
 * overwriteDefaultValues replaces the chart's values.yaml with the merged values (an empty map writes an empty
 * file); false when the bytes are already those. A chart without a values.yaml is a ValuesFilesError, as in Flux.
 */
export function overwriteDefaultValues(chart: Chart, values: ValueMap): boolean {
  const bytes = Buffer.from(values.size > 0 ? marshalSigsYaml(values as Value) : '');
  const raw = chart.raw.find((f) => f.name === 'values.yaml');
  if (!raw) throw new BuildError(BuildReasons.ValuesFilesMerge, 'failed to locate values file: values.yaml');
  if (Buffer.from(raw.data).equals(bytes)) return false;
  raw.data = bytes;
  for (const f of chart.files) if (f.name === 'values.yaml') f.data = bytes;
  chart.values = values;
  return true;
}

/** setVersionMetadata is Masterminds' SetMetadata on the chart version: `1.2.3+<metadata>`. */
export function setVersionMetadata(version: string, metadata: string): string {
  let v: SemverVersion;
  try {
    v = parseVersion(version);
  } catch (err) {
    const message = `failed to parse version from chart metadata as SemVer: ${errorMessage(err)}`;
    throw new BuildError(BuildReasons.MetadataPatch, message, { cause: err });
  }
  if (!metadata.split('.').every((part) => /^[0-9A-Za-z-]+$/u.test(part))) {
    const message = 'failed to set SemVer metadata on chart version: invalid metadata string';
    throw new BuildError(BuildReasons.MetadataPatch, message);
  }
  return new SemverVersion(v.major, v.minor, v.patch, v.prerelease, metadata).toString();
}
