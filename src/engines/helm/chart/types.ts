import type { Value, ValueMap } from '../values/value.ts';

/** ChartFile is a file of a chart: its chart-relative slash path and bytes (a UTF-8 BOM already removed). */
export interface ChartFile {
  name: string;
  data: Uint8Array;
  /** modTime: nanoseconds since the Unix epoch, for release records; undefined is Go's zero time. */
  modTime?: bigint;
}

/** Maintainer is one Chart.yaml maintainer (null entries are refused at validation). */
export interface Maintainer {
  name: string;
  email: string;
  url: string;
}

/** Dependency is one entry of Chart.yaml's (or requirements.yaml's) dependencies. */
export interface Dependency {
  name: string;
  version: string;
  repository: string;
  condition: string;
  tags: string[];
  enabled: boolean;
  /** importValues: strings or {child, parent} maps, as written (normalised after dependency processing). */
  importValues: Value[];
  alias: string;
}

/** Metadata is Chart.yaml, with Go's zero values for what the file leaves out. */
export interface Metadata {
  name: string;
  home: string;
  sources: string[];
  version: string;
  description: string;
  keywords: string[];
  maintainers: (Maintainer | null)[];
  icon: string;
  apiVersion: string;
  condition: string;
  tags: string;
  appVersion: string;
  deprecated: boolean;
  /** annotations: undefined when the file has none (Go's nil map). */
  annotations: Record<string, string> | undefined;
  kubeVersion: string;
  /** dependencies: null when Chart.yaml declares none (Go's nil: dependency processing is skipped then). */
  dependencies: (Dependency | null)[] | null;
  type: string;
}

/** Lock is Chart.lock / requirements.lock. */
export interface Lock {
  /** generated: the RFC 3339 text as written (Go's time.Time). */
  generated: string;
  digest: string;
  /** dependencies: null when the file has none (Go's nil slice, written as `null`). */
  dependencies: (Dependency | null)[] | null;
}

/**
 * Chart is a loaded chart, as Helm's chart.Chart: metadata, templates, default values, schema, other files, and
 * its subcharts (which dependency processing filters, renames and reorders).
 */
export class Chart {
  metadata: Metadata;
  lock: Lock | null = null;
  templates: ChartFile[] = [];
  /** values: the chart's default values; null when the chart has no values.yaml (Go's nil map). */
  values: ValueMap | null = null;
  schema: Uint8Array | null = null;
  schemaModTime: bigint | undefined;
  files: ChartFile[] = [];
  /** raw: every file as loaded, for `helm show`-like uses. */
  raw: ChartFile[] = [];
  modTime: bigint | undefined;
  parent: Chart | undefined;
  dependencies: Chart[] = [];

  constructor(metadata: Metadata) {
    this.metadata = metadata;
  }

  get name(): string {
    return this.metadata.name;
  }

  isRoot(): boolean {
    return this.parent === undefined;
  }

  /** addDependency attaches subcharts (in the given order). */
  addDependency(...charts: Chart[]): void {
    for (const c of charts) {
      c.parent = this;
      this.dependencies.push(c);
    }
  }

  setDependencies(...charts: Chart[]): void {
    this.dependencies = [];
    this.addDependency(...charts);
  }

  /** chartPath is the dotted path (`parent.sub`). */
  chartPath(): string {
    return this.parent === undefined ? this.name : `${this.parent.chartPath()}.${this.name}`;
  }

  /** chartFullPath is `parent/charts/sub`: the prefix of template names. */
  chartFullPath(): string {
    return this.parent === undefined ? this.name : `${this.parent.chartFullPath()}/charts/${this.name}`;
  }

  isLibrary(): boolean {
    return this.metadata.type.toLowerCase() === 'library';
  }

  /** crdObjects lists `crds/*.{yaml,yml,json}` of this chart, then of each subchart in order. */
  crdObjects(): { name: string; filename: string; file: ChartFile }[] {
    const out: { name: string; filename: string; file: ChartFile }[] = [];
    for (const f of this.files) {
      if (f.name.startsWith('crds/') && /\.(ya?ml|json)$/i.test(f.name)) {
        out.push({ name: f.name, filename: `${this.chartFullPath()}/${f.name}`, file: f });
      }
    }
    for (const d of this.dependencies) out.push(...d.crdObjects());
    return out;
  }
}

/** emptyMetadata is Go's zero Metadata. */
export function emptyMetadata(): Metadata {
  return {
    name: '',
    home: '',
    sources: [],
    version: '',
    description: '',
    keywords: [],
    maintainers: [],
    icon: '',
    apiVersion: '',
    condition: '',
    tags: '',
    appVersion: '',
    deprecated: false,
    annotations: undefined,
    kubeVersion: '',
    dependencies: null,
    type: '',
  };
}

/** emptyDependency is Go's zero Dependency. */
export function emptyDependency(): Dependency {
  return {
    name: '',
    version: '',
    repository: '',
    condition: '',
    tags: [],
    enabled: false,
    importValues: [],
    alias: '',
  };
}
