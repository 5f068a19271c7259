import { posix } from 'node:path';

import { quote as goQuote } from '../../gotemplate/index.ts';
import { loadValues, ValuesError } from '../values/load.ts';
import { ArchiveError, ensureArchive, loadArchiveFiles, MAX_FILE_SIZE } from './archive.ts';
import type { ChartFileSystem } from './fs.ts';
import { IgnoreError, IgnoreRules } from './ignore.ts';
import { ChartValidationError, ChartYamlError, LOCK, METADATA, unmarshalYaml, validateMetadata } from './metadata.ts';
import { blank } from './gojson.ts';
import { Chart, type ChartFile, emptyMetadata, type Lock, type Metadata } from './types.ts';

/**
 * Loading charts as Helm v4 does: a directory (walked in lexical order, symlinks followed, `.helmignore`
 * honoured) or a gzipped archive, then the files classified (Chart.yaml, values.yaml, values.schema.json,
 * templates/, charts/ subcharts, requirements.yaml/lock, everything else as plain files). Errors carry Helm's
 * messages, since `helm template` prints them.
 */

/** ChartLoadError is a chart Helm cannot load. */
export class ChartLoadError extends Error {}

const BOM = [0xef, 0xbb, 0xbf];
const decoder = new TextDecoder();

function stripBom(data: Uint8Array): Uint8Array {
  return data[0] === BOM[0] && data[1] === BOM[1] && data[2] === BOM[2] ? data.subarray(3) : data;
}

function wrap(prefix: string, err: unknown): ChartLoadError {
  return new ChartLoadError(`${prefix}${(err as Error).message}`);
}

/** loadFiles is Helm's v2 LoadFiles: classify a chart's files and load its subcharts recursively. */
export function loadFiles(files: ChartFile[]): Chart {
  let metadata: Metadata | undefined;
  let modTime: bigint | undefined;
  const raw: ChartFile[] = [];
  for (const f of files) {
    raw.push(f);
    if (f.name === 'Chart.yaml') {
      metadata ??= emptyMetadata();
      try {
        metadata = unmarshalYaml(f.data, METADATA, metadata);
      } catch (err) {
        if (err instanceof ChartYamlError) throw wrap('cannot load Chart.yaml: ', err);
        throw err;
      }
      if (metadata.apiVersion === '') metadata.apiVersion = 'v1';
      modTime = f.modTime;
    }
  }
  const c = new Chart(metadata ?? emptyMetadata());
  c.raw = raw;
  c.modTime = modTime;
  let sawMetadata = metadata !== undefined;
  const subcharts = new Map<string, ChartFile[]>();
  for (const f of files) {
    const name = f.name;
    if (name === 'Chart.yaml') continue;
    if (name === 'Chart.lock' || name === 'requirements.lock') {
      try {
        c.lock = unmarshalYaml<Lock | null>(f.data, LOCK, blank(LOCK) as unknown as Lock);
      } catch (err) {
        if (err instanceof ChartYamlError) throw wrap(`cannot load ${name}: `, err);
        throw err;
      }
      if (name === 'requirements.lock') {
        sawMetadata = true;
        if (c.metadata.apiVersion === 'v1') c.files.push(f);
      }
    } else if (name === 'values.yaml') {
      try {
        c.values = loadValues(decoder.decode(f.data));
      } catch (err) {
        if (err instanceof ValuesError) throw wrap('cannot load values.yaml: ', err);
        throw err;
      }
    } else if (name === 'values.schema.json') {
      c.schema = f.data;
      c.schemaModTime = f.modTime;
    } else if (name === 'requirements.yaml') {
      sawMetadata = true;
      try {
        c.metadata = unmarshalYaml(f.data, METADATA, c.metadata);
      } catch (err) {
        if (err instanceof ChartYamlError) throw wrap('cannot load requirements.yaml: ', err);
        throw err;
      }
      if (c.metadata.apiVersion === 'v1') c.files.push(f);
    } else if (name.startsWith('templates/')) {
      c.templates.push(f);
    } else if (name.startsWith('charts/')) {
      if (posix.extname(name) === '.prov') {
        c.files.push(f);
        continue;
      }
      const rest = name.slice('charts/'.length);
      const cname = rest.split('/')[0]!;
      const list = subcharts.get(cname) ?? [];
      list.push({ ...f, name: rest });
      subcharts.set(cname, list);
    } else {
      c.files.push(f);
    }
  }
  if (!sawMetadata) throw new ChartLoadError('Chart.yaml file is missing');
  try {
    validateMetadata(c.metadata);
  } catch (err) {
    if (err instanceof ChartValidationError) throw new ChartLoadError(err.message);
    throw err;
  }
  // Helm walks its subchart map in Go's random order; name order makes ours reproducible.
  for (const n of [...subcharts.keys()].sort()) {
    const list = subcharts.get(n)!;
    if (n.startsWith('_') || n.startsWith('.')) continue;
    let sc: Chart;
    try {
      if (posix.extname(n) === '.tgz') {
        const file = list[0]!;
        if (file.name !== n) {
          throw new ChartLoadError(`error unpacking subchart tar in ${c.name}: expected ${n}, got ${file.name}`);
        }
        sc = loadArchive(file.data);
      } else {
        const buff: ChartFile[] = [];
        for (const f of list) {
          const slash = f.name.indexOf('/');
          if (slash < 0) continue;
          buff.push({ ...f, name: f.name.slice(slash + 1) });
        }
        sc = loadFiles(buff);
      }
    } catch (err) {
      if (err instanceof ChartLoadError && err.message.startsWith('error unpacking subchart tar')) throw err;
      throw new ChartLoadError(`error unpacking subchart ${n} in ${c.name}: ${(err as Error).message}`);
    }
    c.addDependency(sc);
  }
  return c;
}

/** loadArchive is Helm's v2 LoadArchive: a gzipped tar in memory (used for `charts/*.tgz`). */
export function loadArchive(data: Uint8Array): Chart {
  let files: ChartFile[];
  try {
    files = loadArchiveFiles(data);
  } catch (err) {
    if (err instanceof ArchiveError) throw new ChartLoadError(err.message);
    throw err;
  }
  return loadFiles(files);
}

/** loadDirFiles walks a chart directory as Helm's LoadDir does and returns its files. */
export function loadDirFiles(fs: ChartFileSystem, dir: string): ChartFile[] {
  const topdir = posix.resolve(dir);
  let rules = new IgnoreRules();
  const ifile = posix.join(topdir, '.helmignore');
  let hasIgnore = false;
  try {
    fs.stat(ifile);
    hasIgnore = true;
  } catch {
    // no .helmignore
  }
  if (hasIgnore) {
    try {
      rules = IgnoreRules.parse(decoder.decode(fs.readFile(ifile)));
    } catch (err) {
      if (err instanceof IgnoreError) throw new ChartLoadError(err.message);
      throw wrap('', err);
    }
  }
  rules.addDefaults();
  const files: ChartFile[] = [];
  const prefix = topdir + '/';
  const visiting = new Set<string>();

  const visit = (path: string, kind: 'file' | 'dir' | 'other', size: number, mtime: bigint | undefined): void => {
    const n = path.startsWith(prefix) ? path.slice(prefix.length) : '';
    if (kind === 'dir') {
      if (n !== '' && rules.ignore(n, true)) return;
      const real = safeRealpath(fs, path);
      if (visiting.has(real)) {
        throw new ChartLoadError(`chart directory contains a symlink cycle at ${path}`);
      }
      visiting.add(real);
      try {
        for (const name of fs.readDir(path).sort(byteOrder)) walk(posix.join(path, name));
      } finally {
        visiting.delete(real);
      }
      return;
    }
    if (n === '' || rules.ignore(n, false)) return;
    if (kind !== 'file')
      throw new ChartLoadError(`cannot load irregular file ${path} as it has file mode type bits set`);
    if (size > MAX_FILE_SIZE) {
      throw new ChartLoadError(
        `chart file ${goQuote(posix.basename(path))} is larger than the maximum file size ${MAX_FILE_SIZE}`,
      );
    }
    let data: Uint8Array;
    try {
      data = fs.readFile(path);
    } catch (err) {
      throw wrap(`error reading ${n}: `, err);
    }
    files.push({ name: n, data: stripBom(data), modTime: mtime });
  };

  const walk = (path: string): void => {
    let info = fs.lstat(path);
    if (info.kind === 'symlink') {
      let resolved: string;
      try {
        resolved = fs.realpath(path);
      } catch (err) {
        throw wrap(`error evaluating symlink ${path}: `, err);
      }
      info = fs.lstat(resolved);
    }
    visit(path, info.kind === 'symlink' ? 'other' : info.kind, info.size, info.mtimeNs);
  };

  walk(topdir);
  return files;
}

function safeRealpath(fs: ChartFileSystem, path: string): string {
  try {
    return fs.realpath(path);
  } catch {
    return path;
  }
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** loadDir is Helm's LoadDir. */
export function loadDir(fs: ChartFileSystem, dir: string): Chart {
  return loadFiles(loadDirFiles(fs, dir));
}

/**
 * loadChart is Helm's loader.Load on a path: a directory or a chart archive. The API version of Chart.yaml picks
 * the loader: v1/v2 charts load; Helm v4's experimental v3 charts cannot be installed, so they are refused.
 */
export function loadChart(fs: ChartFileSystem, path: string): Chart {
  const abs = posix.resolve(path);
  const info = fs.stat(abs);
  if (info.kind === 'dir') {
    const chartYaml = posix.join(abs, 'Chart.yaml');
    let data: Uint8Array;
    try {
      data = fs.readFile(chartYaml);
    } catch (err) {
      throw wrap(`unable to detect chart at ${chartYaml}: `, err);
    }
    checkApiVersion(data);
    return loadDir(fs, abs);
  }
  const data = fs.readFile(abs);
  try {
    ensureArchive(abs, data);
  } catch (err) {
    if (err instanceof ArchiveError) throw new ChartLoadError(err.message);
    throw err;
  }
  let files: ChartFile[];
  try {
    files = loadArchiveFiles(data);
  } catch (err) {
    if (err instanceof ArchiveError && err.gzipHeader) {
      throw new ChartLoadError(`file '${abs}' does not appear to be a valid chart file (details: ${err.message})`);
    }
    if (err instanceof ArchiveError) throw new ChartLoadError('unable to load chart archive');
    throw err;
  }
  const chartYaml = files.find((f) => f.name === 'Chart.yaml');
  if (chartYaml === undefined) throw new ChartLoadError('unable to detect chart version, no Chart.yaml found');
  checkApiVersion(chartYaml.data);
  return loadFiles(files);
}

const API_VERSION = {
  kind: 'struct' as const,
  goName: 'loader.chartBase',
  fields: [{ json: 'apiVersion', prop: 'apiVersion', type: { kind: 'string' as const } }],
};

function checkApiVersion(data: Uint8Array): void {
  let base: { apiVersion: string };
  try {
    base = unmarshalYaml(data, API_VERSION);
  } catch (err) {
    if (err instanceof ChartYamlError) throw wrap('cannot load Chart.yaml: ', err);
    throw err;
  }
  if (base.apiVersion === 'v3') throw new ChartLoadError('invalid chart apiVersion');
  if (base.apiVersion !== '' && base.apiVersion !== 'v1' && base.apiVersion !== 'v2') {
    throw new ChartLoadError('unsupported chart version');
  }
}
