// Release snapshots as helm-controller records them in status.history (internal/release `ObserveRelease`,
// `ObservedToSnapshot`): the digest of the observed release (its JSON as Go's encoder writes it, chart reduced to
// its metadata, test hooks left out so that running tests does not change it) and the digest of its values.
import { createHash } from 'node:crypto';

import type { Snapshot } from '../../api/index.ts';
import {
  encodeGoJson,
  goJsonString,
  hookJson,
  infoJson,
  metadataJson,
  type GoTime,
  type Release,
  type ValueMap,
} from '../../engines/helm/index.ts';

const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** configDigest is fluxcd/pkg chartutil.DigestValues: sha256 of the values' JSON, of nothing when they are empty. */
export function configDigest(values: ValueMap): string {
  return sha256(values.size === 0 ? '' : encodeGoJson(values));
}

/** observationJson is the JSON of helm-controller's Observation of a release, newline-terminated as json.Encoder. */
export function observationJson(rel: Release, ociDigest = ''): string {
  const hooks = rel.hooks.filter((h) => !h.events.includes('test'));
  const fields: [string, string][] = [
    ['name', goJsonString(rel.name)],
    ['version', String(rel.version)],
    ['info', infoJson(rel.info)],
    ['chartMetadata', rel.chart ? metadataJson(rel.chart.metadata) : '{}'],
    ['config', rel.config.size === 0 ? 'null' : encodeGoJson(rel.config)],
    ['manifest', goJsonString(rel.manifest)],
    ['hooks', hooks.length === 0 ? 'null' : `[${hooks.map(hookJson).join(',')}]`],
    ['namespace', goJsonString(rel.namespace)],
    ['ociDigest', goJsonString(ociDigest)],
  ];
  return `{${fields.map(([k, v]) => `"${k}":${v}`).join(',')}}\n`;
}

const ZERO = '0001-01-01T00:00:00Z';
/** metaTime is a metav1.Time as the apiserver stores it: UTC, to the second (Go's zero time when unset). */
function metaTime(t: GoTime | undefined): string {
  if (t === undefined) return ZERO;
  return new Date(Number(t.ns / 1_000_000n)).toISOString().replace(/\.\d+Z$/u, 'Z');
}

/** snapshotOf is the status.history entry of a stored release. */
export function snapshotOf(rel: Release, ociDigest = ''): Snapshot {
  const snap: Snapshot = {
    digest: sha256(observationJson(rel, ociDigest)),
    name: rel.name,
    namespace: rel.namespace,
    version: rel.version,
    status: rel.info.status,
    chartName: rel.chart?.metadata.name ?? '',
    chartVersion: rel.chart?.metadata.version ?? '',
    configDigest: configDigest(rel.config),
    firstDeployed: metaTime(rel.info.firstDeployed),
    lastDeployed: metaTime(rel.info.lastDeployed),
  };
  if (rel.chart?.metadata.appVersion) snap.appVersion = rel.chart.metadata.appVersion;
  if (rel.info.deleted !== undefined) snap.deleted = metaTime(rel.info.deleted);
  if (ociDigest) snap.ociDigest = ociDigest;
  return snap;
}

/** TestHookStatus is one status.history testHooks entry. */
export type TestHookStatus = NonNullable<Snapshot['testHooks']>[string];

/**
 * testHooksOf is the test hooks of a stored release by name, with their last runs (TestHooksFromRelease): set on
 * the latest snapshot once the release was tested, even when empty (a chart without tests has been tested).
 */
export function testHooksOf(rel: Release): Record<string, TestHookStatus> {
  const hooks: Record<string, TestHookStatus> = {};
  for (const h of rel.hooks) {
    if (!h.events.includes('test')) continue;
    const status: TestHookStatus = {};
    if (h.lastRun.startedAt !== undefined) status.lastStarted = metaTime(h.lastRun.startedAt);
    if (h.lastRun.completedAt !== undefined) status.lastCompleted = metaTime(h.lastRun.completedAt);
    if (h.lastRun.phase) status.phase = h.lastRun.phase;
    hooks[h.name] = status;
  }
  return hooks;
}

/** fullReleaseName is `<namespace>/<name>.v<version>`, as Flux's messages name a release revision. */
export function fullReleaseName(snap: Pick<Snapshot, 'namespace' | 'name' | 'version'>): string {
  return `${snap.namespace}/${snap.name}.v${snap.version}`;
}

/** versionedChartName is `<chart>@<version>`. */
export function versionedChartName(snap: Pick<Snapshot, 'chartName' | 'chartVersion'>): string {
  return `${snap.chartName}@${snap.chartVersion}`;
}

/**
 * recordSnapshot records a storage write in status.history as helm-controller's observed releases do: the entry of
 * the same revision is replaced (a pending record that became deployed or failed); a revision newer than the
 * newest entry (or of another release) goes first; an older revision the history never held is left out, so a
 * release `helm install` made and the HelmRelease then upgraded (superseding it) is not recorded as its own.
 */
export function recordSnapshot(history: Snapshot[] | undefined, snap: Snapshot): Snapshot[] {
  const all = history ?? [];
  const same = (s: Snapshot): boolean => s.name === snap.name && s.namespace === snap.namespace;
  if (all.some((s) => same(s) && s.version === snap.version)) {
    // A new write of a revision keeps the test results observed for it (its digest leaves test hooks out).
    const keepTests = (s: Snapshot): Snapshot =>
      snap.testHooks || !s.testHooks ? snap : { ...snap, testHooks: s.testHooks };
    return all.map((s) => (same(s) && s.version === snap.version ? keepTests(s) : s));
  }
  const newest = all[0];
  if (newest && same(newest) && snap.version < newest.version) return all;
  return [snap, ...all];
}
