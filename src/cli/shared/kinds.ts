// The registry of kind words the flux CLI understands (`source git`, `kustomization`/`ks`, `helmrelease`/`hr`,
// `image policy`, `alert-provider`, …), each mapped to its API type and to the table columns `flux get` prints.
import type { KubeObject } from '../../kube/index.ts';

/** Condition is the part of metav1.Condition the CLI reads. */
interface Condition {
  type?: string;
  status?: string;
  message?: string;
  reason?: string;
}

/** KindGroup is the parent word of kinds addressed in two words. */
export type KindGroup = 'source' | 'image' | 'artifact';

/** CliKind is one Flux kind as the CLI addresses it. */
export interface CliKind {
  kind: string;
  apiVersion: string;
  /** group is the parent word (`source`, `image`, `artifact`) when the kind is addressed in two words. */
  group?: KindGroup;
  /** word and aliases address the kind after a verb: `reconcile kustomization`, `suspend ks`. */
  word: string;
  aliases: string[];
  /** getWord and getAliases are the words `get` uses (`get kustomizations`). */
  getWord: string;
  getAliases: string[];
  /** reconcilable is false for static kinds (Alert, Provider): `reconcile` refuses them, as flux does. */
  reconcilable: boolean;
  headers: string[];
  row: (obj: KubeObject) => string[];
  /**
   * verbs, when set, are the only verbs flux offers for the kind (`get`, `export` for ExternalArtifact and
   * ArtifactGenerator); unset means every verb.
   */
  verbs?: readonly string[];
  /** inGetAll is false for kinds flux's `get all` leaves out. */
  inGetAll?: boolean;
  /** sourceOf is the SOURCE column of `get … --show-source` (Kustomization, HelmRelease): `Kind/namespace/name`. */
  sourceOf?: (obj: KubeObject) => string;
}

/** conditionsOf reads status.conditions of any object. */
export function conditionsOf(obj: KubeObject): Condition[] {
  const status = obj.status as { conditions?: Condition[] } | undefined;
  return Array.isArray(status?.conditions) ? status.conditions : [];
}

/** readyOf is flux's statusAndMessage: the Ready condition's status and message, or False "waiting to be reconciled". */
export function readyOf(obj: KubeObject): { status: string; message: string } {
  const ready = conditionsOf(obj).find((c) => c.type === 'Ready');
  if (ready) return { status: ready.status ?? '', message: ready.message ?? '' };
  return { status: 'False', message: 'waiting to be reconciled' };
}

/** statusMatches is flux's `--status-selector type=status` test (both compared case-insensitively). */
export function statusMatches(obj: KubeObject, type: string, status: string): boolean {
  const found = conditionsOf(obj)
    .filter((c) => (c.type ?? '').toLowerCase() === type.toLowerCase())
    .pop();
  return found !== undefined && (found.status ?? '').toLowerCase() === status.toLowerCase();
}

const spec = (obj: KubeObject): Record<string, unknown> => (obj.spec ?? {}) as Record<string, unknown>;
const status = (obj: KubeObject): Record<string, unknown> => (obj.status ?? {}) as Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** suspendedOf is Go's strings.Title(strconv.FormatBool(spec.suspend)). */
export function suspendedOf(obj: KubeObject): string {
  return spec(obj)['suspend'] === true ? 'True' : 'False';
}

/** truncateHex is flux's utils.TruncateHex: every 40 to 128 hex digit word is cut to its first 8 digits. */
export function truncateHex(text: string): string {
  return text.replace(/\b[a-f0-9]{40,128}\b/g, (hex) => hex.slice(0, 8));
}

/**
 * goLocalTime is a metav1.Time printed with Go's time.RFC3339: the apiserver's UTC time read into the local zone
 * (metav1.Time unmarshals with .Local()), whole seconds, `Z` only when the local zone is UTC.
 */
export function goLocalTime(value: string): string {
  if (!value) return '';
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) return value;
  const offset = -t.getTimezoneOffset();
  const local = new Date(t.getTime() + offset * 60_000).toISOString().slice(0, 19);
  if (offset === 0) return `${local}Z`;
  const abs = Math.abs(offset);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${local}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const artifactRevision = (obj: KubeObject): string =>
  str((status(obj)['artifact'] as { revision?: unknown } | undefined)?.revision);

/**
 * revisionRow is the REVISION, SUSPENDED, READY, MESSAGE cells; `hex` says which of revision and message flux
 * passes through TruncateHex for that kind.
 */
const revisionRow =
  (revision: (obj: KubeObject) => string, hex: { revision: boolean; message: boolean }) =>
  (obj: KubeObject): string[] => {
    const r = readyOf(obj);
    const rev = revision(obj);
    return [
      hex.revision ? truncateHex(rev) : rev,
      suspendedOf(obj),
      r.status,
      hex.message ? truncateHex(r.message) : r.message,
    ];
  };

const BOTH = { revision: true, message: true };

/** crossRef prints a cross-namespace reference as flux's --show-source does: the namespace defaults to the object's. */
function crossRef(obj: KubeObject, ref: unknown): string {
  const r = (ref ?? {}) as { kind?: unknown; name?: unknown; namespace?: unknown };
  return `${str(r.kind)}/${str(r.namespace) || (obj.metadata.namespace ?? '')}/${str(r.name)}`;
}

function helmReleaseSource(obj: KubeObject): string {
  const chartRef = spec(obj)['chartRef'];
  if (chartRef) return crossRef(obj, chartRef);
  const chart = (spec(obj)['chart'] ?? {}) as { spec?: { sourceRef?: unknown } };
  return crossRef(obj, chart.spec?.sourceRef);
}

const REVISION_HEADERS = ['Name', 'Revision', 'Suspended', 'Ready', 'Message'];
const SUSPEND_HEADERS = ['Name', 'Suspended', 'Ready', 'Message'];

function source(
  kind: string,
  word: string,
  row: (obj: KubeObject) => string[] = revisionRow(artifactRevision, BOTH),
): CliKind {
  return {
    kind,
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    group: 'source',
    word,
    aliases: [],
    getWord: word,
    getAliases: [],
    reconcilable: true,
    headers: REVISION_HEADERS,
    row,
  };
}

/** helmRepositoryRow: an OCI HelmRepository is static, flux prints it Ready with a fixed message. */
function helmRepositoryRow(obj: KubeObject): string[] {
  const cells = revisionRow(artifactRevision, BOTH)(obj);
  if (spec(obj)['type'] === 'oci') return [cells[0] ?? '', cells[1] ?? '', 'True', 'Helm repository is Ready'];
  return cells;
}

function helmReleaseRevision(obj: KubeObject): string {
  const history = status(obj)['history'];
  if (Array.isArray(history) && history.length > 0) return str((history[0] as { chartVersion?: unknown }).chartVersion);
  return str(status(obj)['lastAttemptedRevision']);
}

/** CLI_KINDS lists every kind in flux's order of `get all`. */
export const CLI_KINDS: readonly CliKind[] = [
  source('GitRepository', 'git'),
  source('OCIRepository', 'oci'),
  source('HelmRepository', 'helm', helmRepositoryRow),
  // A chart's revision is a SemVer: flux truncates only hex in its message.
  source('HelmChart', 'chart', revisionRow(artifactRevision, { revision: false, message: true })),
  source('Bucket', 'bucket'),
  {
    kind: 'ExternalArtifact',
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    group: 'source',
    word: 'external',
    aliases: [],
    getWord: 'external',
    getAliases: [],
    reconcilable: false,
    verbs: ['get', 'export'],
    headers: ['Name', 'Revision', 'Source', 'Ready', 'Message'],
    row: (o) => {
      const ref = spec(o)['sourceRef'] as { kind?: unknown; namespace?: unknown; name?: unknown } | undefined;
      const r = readyOf(o);
      const source = ref ? `${str(ref.kind)}/${str(ref.namespace)}/${str(ref.name)}` : '';
      return [truncateHex(artifactRevision(o)), source, r.status, truncateHex(r.message)];
    },
  },
  {
    kind: 'ArtifactGenerator',
    apiVersion: 'source.extensions.fluxcd.io/v1beta1',
    group: 'artifact',
    word: 'generator',
    aliases: [],
    getWord: 'generators',
    getAliases: ['generator'],
    reconcilable: false,
    verbs: ['get', 'export'],
    inGetAll: false,
    headers: SUSPEND_HEADERS,
    row: (o) => {
      // source-watcher's IsDisabled: the reconcile annotation set to `disabled`, not spec.suspend.
      const v = o.metadata.annotations?.['source.extensions.fluxcd.io/reconcile'] ?? '';
      const r = readyOf(o);
      return [v.toLowerCase() === 'disabled' ? 'True' : 'False', r.status, r.message];
    },
  },
  {
    kind: 'Kustomization',
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    word: 'kustomization',
    aliases: ['ks'],
    getWord: 'kustomizations',
    getAliases: ['ks', 'kustomization'],
    reconcilable: true,
    headers: REVISION_HEADERS,
    row: revisionRow((o) => str(status(o)['lastAppliedRevision']), BOTH),
    sourceOf: (o) => crossRef(o, spec(o)['sourceRef']),
  },
  {
    kind: 'HelmRelease',
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    word: 'helmrelease',
    aliases: ['hr'],
    getWord: 'helmreleases',
    getAliases: ['hr', 'helmrelease'],
    reconcilable: true,
    headers: REVISION_HEADERS,
    row: revisionRow(helmReleaseRevision, { revision: false, message: false }),
    sourceOf: helmReleaseSource,
  },
  {
    kind: 'ImageRepository',
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    group: 'image',
    word: 'repository',
    aliases: [],
    getWord: 'repository',
    getAliases: [],
    reconcilable: true,
    headers: ['Name', 'Last scan', 'Suspended', 'Ready', 'Message'],
    row: (o) => {
      const scan = goLocalTime(str((status(o)['lastScanResult'] as { scanTime?: unknown } | undefined)?.scanTime));
      const r = readyOf(o);
      return [scan, suspendedOf(o), r.status, r.message];
    },
  },
  {
    kind: 'ImagePolicy',
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    group: 'image',
    word: 'policy',
    aliases: [],
    getWord: 'policy',
    getAliases: [],
    reconcilable: true,
    headers: ['Name', 'Image', 'Tag', 'Ready', 'Message'],
    row: (o) => {
      const ref = (status(o)['latestRef'] ?? {}) as { name?: unknown; tag?: unknown };
      const r = readyOf(o);
      return [str(ref.name), str(ref.tag), r.status, r.message];
    },
  },
  {
    kind: 'ImageUpdateAutomation',
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    group: 'image',
    word: 'update',
    aliases: [],
    getWord: 'update',
    getAliases: [],
    reconcilable: true,
    headers: ['Name', 'Last run', 'Suspended', 'Ready', 'Message'],
    row: (o) => {
      const r = readyOf(o);
      return [goLocalTime(str(status(o)['lastAutomationRunTime'])), suspendedOf(o), r.status, r.message];
    },
  },
  {
    kind: 'Alert',
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    word: 'alert',
    aliases: [],
    getWord: 'alerts',
    getAliases: ['alert'],
    reconcilable: false,
    headers: SUSPEND_HEADERS,
    row: (o) => [suspendedOf(o), 'True', 'Alert is Ready'],
  },
  {
    kind: 'Provider',
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    word: 'alert-provider',
    aliases: [],
    getWord: 'alert-providers',
    getAliases: ['alert-provider'],
    reconcilable: false,
    // flux prints no SUSPENDED column for providers.
    headers: ['Name', 'Ready', 'Message'],
    row: () => ['True', 'Provider is Ready'],
  },
  {
    kind: 'Receiver',
    apiVersion: 'notification.toolkit.fluxcd.io/v1',
    word: 'receiver',
    aliases: [],
    getWord: 'receivers',
    getAliases: ['receiver'],
    reconcilable: true,
    headers: SUSPEND_HEADERS,
    row: (o) => {
      const r = readyOf(o);
      return [suspendedOf(o), r.status, r.message];
    },
  },
];

/** cliKindOf finds the CLI kind of an API kind name (`GitRepository`). */
export function cliKindOf(kind: string): CliKind | undefined {
  return CLI_KINDS.find((k) => k.kind === kind);
}

/** phrase names a kind as the CLI does in help texts: `source git`, `kustomization`. */
export function phrase(k: CliKind): string {
  return k.group ? `${k.group} ${k.word}` : k.word;
}
