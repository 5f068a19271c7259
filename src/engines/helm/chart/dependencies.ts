import { parseConstraint, parseVersion } from '../../semver-range/index.ts';
import {
  coalesceTables,
  coalesceValues,
  goV,
  mergeTables,
  mergeValues,
  NoValueError,
  pathValue,
  tableLookup,
  type Warn,
} from '../values/coalesce.ts';
import { deepCopy, isMap, type Value, type ValueMap } from '../values/value.ts';
import { Chart, type Dependency, type Metadata } from './types.ts';

/**
 * Dependency processing as Helm runs it before rendering: declared dependencies are matched to the loaded
 * subcharts by name and version range (copies renamed to their alias), enabled or disabled by tags and
 * conditions read from the coalesced values, disabled ones removed, and `import-values` copied from children into
 * their parents' default values. The chart is changed in place, as Helm changes its in-memory chart.
 */

/** isCompatibleRange is Helm's IsCompatibleRange: false for an invalid version or constraint. */
export function isCompatibleRange(constraint: string, version: string): boolean {
  try {
    const v = parseVersion(version);
    return parseConstraint(constraint).check(v);
  } catch {
    return false;
  }
}

function copyMetadata(md: Metadata): Metadata {
  return {
    ...md,
    dependencies: md.dependencies === null ? null : md.dependencies.map((d) => (d === null ? null : { ...d })),
  };
}

/** shallowCopy is Go's `out := *c` for a chart: the same files, values and metadata objects. */
function shallowCopy(c: Chart): Chart {
  const out = new Chart(c.metadata);
  Object.assign(out, c);
  out.parent = undefined;
  out.dependencies = [];
  return out;
}

function getAliasDependency(charts: readonly Chart[], dep: Dependency): Chart | undefined {
  for (const c of charts) {
    if (c.name !== dep.name) continue;
    if (!isCompatibleRange(dep.version, c.metadata.version)) continue;
    const out = shallowCopy(c);
    out.metadata = copyMetadata(c.metadata);
    for (const d of c.dependencies) out.addDependency(shallowCopy(d));
    if (dep.alias !== '') out.metadata.name = dep.alias;
    return out;
  }
  return undefined;
}

function processDependencyConditions(reqs: (Dependency | null)[], cvals: ValueMap, cpath: string, warn: Warn): void {
  for (const r of reqs) {
    if (r === null) continue;
    for (const c of r.condition.trim().split(',')) {
      if (c.length === 0) continue;
      let vv: Value;
      try {
        vv = pathValue(cvals, cpath + c);
      } catch (err) {
        if (!(err instanceof NoValueError)) warn(`the method PathValue returned error: ${(err as Error).message}`);
        continue;
      }
      if (typeof vv === 'boolean') {
        r.enabled = vv;
        break;
      }
      warn(`returned non-bool value: path=${c} chart=${r.name}`);
    }
  }
}

function processDependencyTags(reqs: (Dependency | null)[], cvals: ValueMap, warn: Warn): void {
  const { table: vt, err } = tableLookup(cvals, 'tags');
  if (err !== undefined) return;
  for (const r of reqs) {
    if (r === null) continue;
    let hasTrue = false;
    let hasFalse = false;
    for (const k of r.tags) {
      if (!vt.has(k)) continue;
      const b = vt.get(k)!;
      if (typeof b === 'boolean') {
        if (b) hasTrue = true;
        else hasFalse = true;
      } else {
        warn(`returned non-bool value: tag=${k} chart=${r.name}`);
      }
    }
    if (!hasTrue && hasFalse) r.enabled = false;
    else if (hasTrue || (!hasTrue && !hasFalse)) r.enabled = true;
  }
}

function processDependencyEnabled(c: Chart, v: ValueMap, path: string, warn: Warn): void {
  const reqs = c.metadata.dependencies;
  if (reqs === null) return;
  const chartDependencies: Chart[] = [];
  for (const existing of c.dependencies) {
    const declared = reqs.some(
      (req) => req !== null && existing.name === req.name && isCompatibleRange(req.version, existing.metadata.version),
    );
    if (!declared) chartDependencies.push(existing);
  }
  for (const req of reqs) {
    if (req === null) continue;
    const dep = getAliasDependency(c.dependencies, req);
    if (dep !== undefined) chartDependencies.push(dep);
    if (req.alias !== '') req.name = req.alias;
  }
  c.setDependencies(...chartDependencies);
  for (const lr of reqs) if (lr !== null) lr.enabled = true;
  const cvals = coalesceValues(c, v, warn);
  processDependencyTags(reqs, cvals, warn);
  processDependencyConditions(reqs, cvals, path, warn);
  const rm = new Set<string>();
  for (const r of reqs) if (r !== null && !r.enabled) rm.add(r.name);
  const cd = c.dependencies.filter((n) => !rm.has(n.metadata.name));
  const cdMetadata = reqs.filter((n) => n === null || !rm.has(n.name));
  for (const t of cd) processDependencyEnabled(t, cvals, `${path}${t.metadata.name}.`, warn);
  c.metadata.dependencies = cdMetadata;
  c.setDependencies(...cd);
}

/** pathToMap nests data under a dotted path (`.` = the data itself). */
function pathToMap(path: string, data: ValueMap): ValueMap {
  if (path === '.') return data;
  let cur: ValueMap = data;
  const parts = path.split('.');
  for (let i = parts.length - 1; i >= 0; i--) cur = new Map([[parts[i]!, cur]]);
  return cur;
}

function trimNilValues(vals: ValueMap): ValueMap {
  const out = deepCopy(vals);
  const trim = (m: ValueMap): ValueMap => {
    for (const [k, v] of m) {
      if (v === null) m.delete(k);
      else if (isMap(v)) m.set(k, trim(v));
    }
    return m;
  };
  return trim(out);
}

function processImportValues(c: Chart, merge: boolean, warn: Warn): void {
  const reqs = c.metadata.dependencies;
  if (reqs === null) return;
  let cvals = merge ? mergeValues(c, null, warn) : coalesceValues(c, null, warn);
  let b: ValueMap = new Map();
  for (const r of reqs) {
    if (r === null) continue;
    const outiv: Value[] = [];
    for (const riv of r.importValues) {
      if (isMap(riv)) {
        const child = goV(riv.get('child') ?? null);
        const parent = goV(riv.get('parent') ?? null);
        outiv.push(
          new Map([
            ['child', child],
            ['parent', parent],
          ]),
        );
        const { table: vv, err } = tableLookup(cvals, `${r.name}.${child}`);
        if (err !== undefined) {
          warn(`ImportValues missing table from chart: chart=${r.name} error=${err.message}`);
          continue;
        }
        b = merge ? mergeTables(b, pathToMap(parent, vv), warn) : coalesceTables(b, pathToMap(parent, vv), warn);
      } else if (typeof riv === 'string') {
        const child = `exports.${riv}`;
        outiv.push(
          new Map([
            ['child', child],
            ['parent', '.'],
          ]),
        );
        const { table: vm, err } = tableLookup(cvals, `${r.name}.${child}`);
        if (err !== undefined) {
          warn(`ImportValues missing table: error=${err.message}`);
          continue;
        }
        b = merge ? mergeTables(b, vm, warn) : coalesceTables(b, vm, warn);
      }
    }
    r.importValues = outiv;
  }
  if (merge) {
    cvals = deepCopy(cvals);
    c.values = mergeTables(cvals, b, warn);
  } else {
    c.values = coalesceTables(trimNilValues(cvals), b, warn);
  }
}

function processDependencyImportValues(c: Chart, merge: boolean, warn: Warn): void {
  for (const d of c.dependencies) processDependencyImportValues(d, merge, warn);
  processImportValues(c, merge, warn);
}

/** processDependencies is Helm's ProcessDependencies for the user values `vals`. */
export function processDependencies(c: Chart, vals: ValueMap, warn: Warn = () => {}): void {
  processDependencyEnabled(c, vals, '', warn);
  processDependencyImportValues(c, true, warn);
}

/**
 * checkDependencies is Helm's CheckDependencies: every dependency Chart.yaml declares must exist among the
 * loaded subcharts (by chart name); returns the error text, or undefined.
 */
export function missingDependencies(c: Chart): string[] {
  const missing: string[] = [];
  for (const r of c.metadata.dependencies ?? []) {
    if (r === null) continue;
    if (!c.dependencies.some((d) => d.name === r.name)) missing.push(r.name);
  }
  return missing;
}
