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

/** CliKind is one Flux kind as the CLI addresses it. */
export interface CliKind {
  kind: string;
  apiVersion: string;
  /** group is the parent word (`source`, `image`) when the kind is addressed in two words. */
  group?: 'source' | 'image';
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

const artifactRevision = (obj: KubeObject): string =>
  str((status(obj)['artifact'] as { revision?: unknown } | undefined)?.revision);

const revisionRow =
  (revision: (obj: KubeObject) => string) =>
  (obj: KubeObject): string[] => {
    const r = readyOf(obj);
    return [revision(obj), suspendedOf(obj), r.status, r.message];
  };

const REVISION_HEADERS = ['Name', 'Revision', 'Suspended', 'Ready', 'Message'];
const SUSPEND_HEADERS = ['Name', 'Suspended', 'Ready', 'Message'];

function source(kind: string, word: string): CliKind {
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
    row: revisionRow(artifactRevision),
  };
}

function helmReleaseRevision(obj: KubeObject): string {
  const history = status(obj)['history'];
  if (Array.isArray(history) && history.length > 0) return str((history[0] as { chartVersion?: unknown }).chartVersion);
  return str(status(obj)['lastAttemptedRevision']);
}

const staticRow = (message: string) => (obj: KubeObject) => [suspendedOf(obj), 'True', message];

/** CLI_KINDS lists every kind in flux's order of `get all`. */
export const CLI_KINDS: readonly CliKind[] = [
  source('GitRepository', 'git'),
  source('OCIRepository', 'oci'),
  source('HelmRepository', 'helm'),
  source('HelmChart', 'chart'),
  source('Bucket', 'bucket'),
  {
    kind: 'Kustomization',
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    word: 'kustomization',
    aliases: ['ks'],
    getWord: 'kustomizations',
    getAliases: ['ks', 'kustomization'],
    reconcilable: true,
    headers: REVISION_HEADERS,
    row: revisionRow((o) => str(status(o)['lastAppliedRevision'])),
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
    row: revisionRow(helmReleaseRevision),
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
      const scan = str((status(o)['lastScanResult'] as { scanTime?: unknown } | undefined)?.scanTime);
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
      return [str(status(o)['lastAutomationRunTime']), suspendedOf(o), r.status, r.message];
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
    row: staticRow('Alert is Ready'),
  },
  {
    kind: 'Provider',
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    word: 'alert-provider',
    aliases: [],
    getWord: 'alert-providers',
    getAliases: ['alert-provider'],
    reconcilable: false,
    headers: SUSPEND_HEADERS,
    row: staticRow('Provider is Ready'),
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
