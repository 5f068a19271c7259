// What `helm package` writes into a chart archive (Helm v4 chartutil.Save / writeTarContents), as a list of
// entries: `<name>/Chart.yaml` re-marshalled from the metadata (sigs.k8s.io/yaml: sorted keys, Go's omitempty;
// a v1 chart's dependencies left out, they live in requirements.yaml), `Chart.lock` re-marshalled for v2 charts,
// `values.yaml` as read (the raw bytes, so comments survive), `values.schema.json`, templates, other files, then
// every subchart the same way under `<name>/charts/`, expanded (a `charts/*.tgz` is written as a directory).
// The tar and gzip framing is the caller's (artifacts/): this module stays pure.
import { marshalSigsYaml, type Value } from '../../goyaml/index.ts';
import { lockJson, metadataJson } from './json.ts';
import { ChartValidationError, validateMetadata } from './metadata.ts';
import type { Chart } from './types.ts';

/** ArchiveEntry is one file of a chart archive: its slash path inside the archive and its bytes. */
export interface ArchiveEntry {
  name: string;
  data: Uint8Array;
}

/** CHART_ARCHIVE_GZIP is the gzip header Helm writes on every package (Extra bytes and the comment `Helm`). */
export const CHART_ARCHIVE_GZIP = {
  extra: Buffer.from('+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo='),
  comment: 'Helm',
} as const;

const sigsYaml = (json: string): Uint8Array => Buffer.from(marshalSigsYaml(JSON.parse(json) as Value));

function chartEntries(c: Chart, prefix: string, out: ArchiveEntry[]): void {
  // Helm's validateName: a name that is not its own base name would escape the archive directory.
  if (c.name.includes('/') || c.name.includes('\\') || c.name === '' || c.name === '.' || c.name === '..') {
    throw new ChartValidationError(`chart name "${c.name}" is not a valid path base name`);
  }
  const base = `${prefix}${c.name}`;
  const v1 = c.metadata.apiVersion === 'v1';
  out.push({
    name: `${base}/Chart.yaml`,
    data: sigsYaml(metadataJson(v1 ? { ...c.metadata, dependencies: null } : c.metadata)),
  });
  if (c.metadata.apiVersion === 'v2' && c.lock !== null) {
    out.push({ name: `${base}/Chart.lock`, data: sigsYaml(lockJson(c.lock)) });
  }
  for (const f of c.raw) if (f.name === 'values.yaml') out.push({ name: `${base}/values.yaml`, data: f.data });
  if (c.schema !== null) {
    try {
      JSON.parse(Buffer.from(c.schema).toString('utf8'));
    } catch {
      throw new ChartValidationError('Invalid JSON in values.schema.json');
    }
    out.push({ name: `${base}/values.schema.json`, data: c.schema });
  }
  for (const f of c.templates) out.push({ name: `${base}/${f.name}`, data: f.data });
  for (const f of c.files) out.push({ name: `${base}/${f.name}`, data: f.data });
  for (const dep of c.dependencies) chartEntries(dep, `${base}/charts/`, out);
}

/**
 * chartArchiveEntries lists the files `helm package` writes for a loaded chart, in Helm's order. The root chart
 * is validated first (Chart.Validate), as Save does; a failure is a ChartValidationError.
 *
 * @example
 *   const entries = chartArchiveEntries(loadDir(nodeChartFileSystem(), '/charts/podinfo'));
 *   entries[0].name; // 'podinfo/Chart.yaml'
 */
export function chartArchiveEntries(chart: Chart): ArchiveEntry[] {
  validateMetadata(chart.metadata);
  const out: ArchiveEntry[] = [];
  chartEntries(chart, '', out);
  return out;
}
