import { gunzipSync, gzipSync } from 'node:zlib';

import { FluxtsError } from '../../../util/errors.ts';
import { chartFromJson, chartJson, ChartJsonError } from '../chart/json.ts';
import type { Chart } from '../chart/types.ts';
import { encodeGoJson } from '../values/json-encode.ts';
import { GoJsonError, goJsonString, parseGoJson } from '../values/json.ts';
import type { Value, ValueMap } from '../values/value.ts';
import type { Hook } from './manifests.ts';
import type { RenderedRelease } from '../action/render-chart.ts';
import { formatRfc3339Nano, type GoTime, parseRfc3339 } from './time.ts';

/**
 * Helm v4.2.4's release records (release.v1.Release) and their storage format, so that fluxts and helm can read
 * each other's releases: JSON exactly as Go's encoding/json writes the Release struct, gzip, base64, kept in a
 * `helm.sh/release.v1` Secret named `sh.helm.release.v1.<name>.v<revision>` with the labels helm queries by.
 */

/** ReleaseStatus is common.Status. */
export type ReleaseStatus =
  | 'unknown'
  | 'deployed'
  | 'uninstalled'
  | 'superseded'
  | 'failed'
  | 'uninstalling'
  | 'pending-install'
  | 'pending-upgrade'
  | 'pending-rollback';

/** HookPhase is release.v1.HookPhase ('' before a hook ever ran). */
export type HookPhase = '' | 'Unknown' | 'Running' | 'Succeeded' | 'Failed';

/** HookExecution is a hook's last run; absent times are Go's zero time (omitted from the JSON). */
export interface HookExecution {
  startedAt?: GoTime;
  completedAt?: GoTime;
  phase: HookPhase;
}

/** ReleaseHook is a hook as a record keeps it: the sorted hook plus its last run. */
export interface ReleaseHook extends Hook {
  lastRun: HookExecution;
}

/** ReleaseInfo is release.v1.Info (without Resources, which only `helm status --show-resources` fills). */
export interface ReleaseInfo {
  firstDeployed?: GoTime;
  lastDeployed?: GoTime;
  deleted?: GoTime;
  description: string;
  status: ReleaseStatus;
  notes: string;
}

/** Release is release.v1.Release. `labels` are the record's user labels (not part of the JSON). */
export interface Release {
  name: string;
  info: ReleaseInfo;
  chart: Chart | null;
  /** config: the user-supplied values. */
  config: ValueMap;
  manifest: string;
  hooks: ReleaseHook[];
  version: number;
  namespace: string;
  /** applyMethod: 'csa' | 'ssa' as Helm v4 records it ('' omits it, as releases written by Helm v3). */
  applyMethod: string;
  labels: Record<string, string>;
}

/** ReleaseDecodeError is stored release data that is not a release (bad base64, gzip or JSON). */
export class ReleaseDecodeError extends FluxtsError {}

type Fields = [string, string | undefined][];

function object(fields: Fields): string {
  return `{${fields
    .filter((f): f is [string, string] => f[1] !== undefined)
    .map(([k, v]) => `${goJsonString(k)}:${v}`)
    .join(',')}}`;
}

const omitStr = (s: string): string | undefined => (s === '' ? undefined : goJsonString(s));
const omitTime = (t: GoTime | undefined): string | undefined =>
  t === undefined ? undefined : `"${formatRfc3339Nano(t)}"`;
const omitList = (l: readonly string[]): string | undefined =>
  l.length === 0 ? undefined : `[${l.map((s) => goJsonString(s)).join(',')}]`;

/** hookJson is json.Marshal of one release.v1 Hook. */
export function hookJson(h: ReleaseHook): string {
  return object([
    ['name', omitStr(h.name)],
    ['kind', omitStr(h.kind)],
    ['path', omitStr(h.path)],
    ['manifest', omitStr(h.manifest)],
    ['events', omitList(h.events)],
    [
      'last_run',
      object([
        ['started_at', omitTime(h.lastRun.startedAt)],
        ['completed_at', omitTime(h.lastRun.completedAt)],
        ['phase', goJsonString(h.lastRun.phase)],
      ]),
    ],
    ['weight', h.weight === 0 ? undefined : String(h.weight)],
    ['delete_policies', omitList(h.deletePolicies)],
    ['output_log_policies', omitList(h.outputLogPolicies)],
  ]);
}

/** infoJson is json.Marshal of a release.v1 Info. */
export function infoJson(i: ReleaseInfo): string {
  return object([
    ['first_deployed', omitTime(i.firstDeployed)],
    ['last_deployed', omitTime(i.lastDeployed)],
    ['deleted', omitTime(i.deleted)],
    ['description', omitStr(i.description)],
    ['status', omitStr(i.status)],
    ['notes', omitStr(i.notes)],
  ]);
}

/** releaseJson is json.Marshal of the release, byte for byte as Helm v4.2.4 writes it. */
export function releaseJson(r: Release): string {
  const info = infoJson(r.info);
  return object([
    ['name', omitStr(r.name)],
    ['info', info],
    ['chart', r.chart === null ? undefined : chartJson(r.chart)],
    ['config', r.config.size === 0 ? undefined : encodeGoJson(r.config)],
    ['manifest', omitStr(r.manifest)],
    ['hooks', r.hooks.length === 0 ? undefined : `[${r.hooks.map(hookJson).join(',')}]`],
    ['version', r.version === 0 ? undefined : String(r.version)],
    ['namespace', omitStr(r.namespace)],
    ['apply_method', omitStr(r.applyMethod)],
  ]);
}

// Go's gzip writer at BestCompression: no name, mtime 0, XFL 2, OS 255 (unknown). zlib writes OS 3 (Unix).
const GO_GZIP_OS = 0xff;

/** encodeRelease is the storage driver's encodeRelease: base64(gzip(JSON)). */
export function encodeRelease(r: Release): string {
  const gz = gzipSync(Buffer.from(releaseJson(r), 'utf8'), { level: 9 });
  gz[9] = GO_GZIP_OS;
  return gz.toString('base64');
}

function fail(message: string, cause?: unknown): never {
  throw new ReleaseDecodeError(`release: ${message}`, cause === undefined ? undefined : { cause });
}

function str(m: ValueMap, key: string): string {
  const v = m.get(key);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') fail(`${key}: expected a string`);
  return v;
}

function strList(m: ValueMap, key: string): string[] {
  const v = m.get(key);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((e) => typeof e !== 'string')) fail(`${key}: expected a list of strings`);
  return v as string[];
}

function int(m: ValueMap, key: string): number {
  const v = m.get(key);
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) fail(`${key}: expected an integer`);
  return n;
}

/** time reads a JSON time; `""` (Helm v3's zero time), Go's zero time and absence are all "never". */
function time(m: ValueMap, key: string): GoTime | undefined {
  const v = str(m, key);
  if (v === '' || v === '0001-01-01T00:00:00Z') return undefined;
  return parseRfc3339(v) ?? fail(`${key}: malformed time ${JSON.stringify(v)}`);
}

function obj(v: Value | undefined, what: string): ValueMap {
  if (v === undefined || v === null) return new Map();
  if (!(v instanceof Map)) fail(`${what}: expected an object`);
  return v;
}

function hookFromJson(v: Value): ReleaseHook {
  const m = obj(v, 'hook');
  const run = obj(m.get('last_run'), 'hook last_run');
  const lastRun: HookExecution = { phase: str(run, 'phase') as HookPhase };
  const startedAt = time(run, 'started_at');
  const completedAt = time(run, 'completed_at');
  if (startedAt !== undefined) lastRun.startedAt = startedAt;
  if (completedAt !== undefined) lastRun.completedAt = completedAt;
  return {
    name: str(m, 'name'),
    kind: str(m, 'kind'),
    path: str(m, 'path'),
    manifest: str(m, 'manifest'),
    events: strList(m, 'events'),
    lastRun,
    weight: int(m, 'weight'),
    deletePolicies: strList(m, 'delete_policies'),
    outputLogPolicies: strList(m, 'output_log_policies'),
  };
}

/** parseReleaseJson reads a release's JSON (as written by Helm v3, v4 or releaseJson). */
export function parseReleaseJson(text: string): Release {
  let v: Value;
  try {
    v = parseGoJson(text);
  } catch (err) {
    if (err instanceof GoJsonError) fail(err.message, err);
    throw err;
  }
  const m = obj(v, 'release');
  const i = obj(m.get('info'), 'info');
  const info: ReleaseInfo = {
    description: str(i, 'description'),
    status: str(i, 'status') as ReleaseStatus,
    notes: str(i, 'notes'),
  };
  const firstDeployed = time(i, 'first_deployed');
  const lastDeployed = time(i, 'last_deployed');
  const deleted = time(i, 'deleted');
  if (firstDeployed !== undefined) info.firstDeployed = firstDeployed;
  if (lastDeployed !== undefined) info.lastDeployed = lastDeployed;
  if (deleted !== undefined) info.deleted = deleted;
  const rawChart = m.get('chart');
  let chart: Chart | null = null;
  if (rawChart !== undefined && rawChart !== null) {
    try {
      chart = chartFromJson(rawChart);
    } catch (err) {
      if (err instanceof ChartJsonError) fail(err.message, err);
      throw err;
    }
  }
  const hooks = m.get('hooks');
  if (hooks !== undefined && hooks !== null && !Array.isArray(hooks)) fail('hooks: expected a list');
  return {
    name: str(m, 'name'),
    info,
    chart,
    config: obj(m.get('config'), 'config'),
    manifest: str(m, 'manifest'),
    hooks: (hooks ?? []).map(hookFromJson),
    version: int(m, 'version'),
    namespace: str(m, 'namespace'),
    applyMethod: str(m, 'apply_method'),
    labels: {},
  };
}

const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

/** decodeRelease is the storage driver's decodeRelease: base64, gunzip when gzip's magic is there, JSON. */
export function decodeRelease(data: string): Release {
  const raw = Buffer.from(data, 'base64');
  if (raw.toString('base64') !== data.replace(/\s/g, '')) fail('illegal base64 data');
  let json = raw;
  if (raw.length > 3 && GZIP_MAGIC.every((b, i) => raw[i] === b)) {
    try {
      json = gunzipSync(raw);
    } catch (err) {
      fail(`gzip: ${(err as Error).message}`, err);
    }
  }
  return parseReleaseJson(json.toString('utf8'));
}

/** NewReleaseOptions are what an install or upgrade adds to a render to make its record. */
export interface NewReleaseOptions {
  version: number;
  status: ReleaseStatus;
  description: string;
  /** firstDeployed: the release's first install time (an upgrade carries the previous record's over). */
  firstDeployed: GoTime;
  lastDeployed: GoTime;
  /** applyMethod: 'csa' or 'ssa' (Helm v4 records which one applied the manifest). */
  applyMethod?: string;
  labels?: Record<string, string>;
}

/**
 * newRelease is the record Helm's Install.createRelease / Upgrade.prepareUpgrade builds from a render: the chart
 * (as processed), the user values, the manifest without CRDs, the sorted hooks not yet run, and NOTES.
 */
export function newRelease(rendered: RenderedRelease, opts: NewReleaseOptions): Release {
  return {
    name: rendered.name,
    namespace: rendered.namespace,
    chart: rendered.chart,
    config: rendered.config,
    info: {
      firstDeployed: opts.firstDeployed,
      lastDeployed: opts.lastDeployed,
      description: opts.description,
      status: opts.status,
      notes: rendered.notes,
    },
    manifest: rendered.manifest,
    hooks: rendered.hooks.map((h) => ({ ...h, lastRun: { phase: '' } })),
    version: opts.version,
    applyMethod: opts.applyMethod ?? '',
    labels: { ...(opts.labels ?? {}) },
  };
}

/**
 * hooksFor is the order Helm runs a release's hooks for an event in: the kind-sorted hooks that carry the event,
 * stably sorted by weight, then by name.
 */
export function hooksFor(rel: Release, event: string): ReleaseHook[] {
  return rel.hooks
    .filter((h) => h.events.includes(event))
    .map((h, index) => ({ h, index }))
    .sort((a, b) =>
      a.h.weight !== b.h.weight
        ? a.h.weight - b.h.weight
        : a.h.name !== b.h.name
          ? a.h.name < b.h.name
            ? -1
            : 1
          : a.index - b.index,
    )
    .map((e) => e.h);
}

/**
 * startHook records that a hook is being applied, as Helm's execHook does before creating it: a hook without
 * delete policies gets `before-hook-creation`, and its last run restarts as Running.
 */
export function startHook(hook: ReleaseHook, now: GoTime): void {
  if (hook.deletePolicies.length === 0) hook.deletePolicies = ['before-hook-creation'];
  hook.lastRun = { startedAt: now, phase: 'Running' };
}

/** finishHook records a hook's outcome (Succeeded or Failed) and when it was known. */
export function finishHook(hook: ReleaseHook, now: GoTime, succeeded: boolean): void {
  hook.lastRun.completedAt = now;
  hook.lastRun.phase = succeeded ? 'Succeeded' : 'Failed';
}
