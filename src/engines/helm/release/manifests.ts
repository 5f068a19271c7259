import { decodeGoStruct, GoJsonTypeError, GoString, type GoType, sigsTarget } from '../chart/gojson.ts';
import { compareGoStrings } from '../values/json-encode.ts';
import { yamlToJson, YamlToJsonError } from '../yaml/decode.ts';

/**
 * From rendered files to the ordered manifests and hooks of a release, as Helm v4.2.4 does it: files in name
 * order, each split at lines starting with `---` (documents keep their trailing newlines), each document's head
 * (apiVersion, kind, metadata.name, annotations) read with sigs.k8s.io/yaml, hooks recognised by their
 * `helm.sh/hook` annotation (a document naming an unknown hook event is dropped), then both lists stably sorted
 * by kind in Helm's install order.
 */

export const HOOK_EVENTS = new Map<string, string>([
  ['pre-install', 'pre-install'],
  ['post-install', 'post-install'],
  ['pre-delete', 'pre-delete'],
  ['post-delete', 'post-delete'],
  ['pre-upgrade', 'pre-upgrade'],
  ['post-upgrade', 'post-upgrade'],
  ['pre-rollback', 'pre-rollback'],
  ['post-rollback', 'post-rollback'],
  ['test', 'test'],
  ['test-success', 'test'],
]);

/** INSTALL_ORDER is Helm v4's InstallOrder of kinds. */
export const INSTALL_ORDER: readonly string[] = [
  'PriorityClass',
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

/** UNINSTALL_ORDER is Helm v4's UninstallOrder (webhooks go first so that they do not block removals). */
export const UNINSTALL_ORDER: readonly string[] = [
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'Ingress',
  'IngressClass',
  'Service',
  'CronJob',
  'Job',
  'StatefulSet',
  'HorizontalPodAutoscaler',
  'Deployment',
  'ReplicaSet',
  'ReplicationController',
  'Pod',
  'DaemonSet',
  'RoleBindingList',
  'RoleBinding',
  'RoleList',
  'Role',
  'ClusterRoleBindingList',
  'ClusterRoleBinding',
  'ClusterRoleList',
  'ClusterRole',
  'CustomResourceDefinition',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'StorageClass',
  'ConfigMap',
  'SecretList',
  'Secret',
  'ServiceAccount',
  'PodDisruptionBudget',
  'PodSecurityPolicy',
  'LimitRange',
  'ResourceQuota',
  'NetworkPolicy',
  'Namespace',
  'PriorityClass',
];

/** Head is a document's SimpleHead. */
export interface Head {
  version: string;
  kind: string;
  metadata: { name: string; annotations: Record<string, string> | undefined } | null;
}

const SIMPLE_HEAD: GoType & { kind: 'struct' } = {
  kind: 'struct',
  goName: 'util.SimpleHead',
  fields: [
    { json: 'apiVersion', prop: 'version', type: GoString },
    { json: 'kind', prop: 'kind', type: GoString },
    {
      json: 'metadata',
      prop: 'metadata',
      type: {
        kind: 'struct',
        goName: 'struct { Name string "json:\\"name\\""; Annotations map[string]string "json:\\"annotations\\"" }',
        structName: '',
        pointer: true,
        fields: [
          { json: 'name', prop: 'name', type: GoString },
          {
            json: 'annotations',
            prop: 'annotations',
            type: { kind: 'map', goName: 'map[string]string', elem: GoString },
          },
        ],
      },
    },
  ],
};

/** Manifest is a non-hook document: its file (`chart/templates/x.yaml`), text and head. */
export interface Manifest {
  name: string;
  content: string;
  head: Head;
}

/** Hook is a hook document as a release records it. */
export interface Hook {
  name: string;
  kind: string;
  path: string;
  manifest: string;
  events: string[];
  weight: number;
  deletePolicies: string[];
  outputLogPolicies: string[];
}

/** ManifestParseError is a rendered document that is not YAML (`YAML parse error on <file>: …`). */
export class ManifestParseError extends Error {}

const SEP = /^---[ \t]*/gm;

/** splitManifests is Helm v4.2's SplitManifests: documents in order, left-trimmed, blank ones dropped. */
export function splitManifests(bigFile: string): string[] {
  const docs = trimLeftSpace(bigFile).split(SEP);
  const out: string[] = [];
  for (const d of docs) {
    if (d.trim() === '') continue;
    out.push(trimLeftSpace(d));
  }
  return out;
}

const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** trimLeftSpace is strings.TrimLeftFunc(s, unicode.IsSpace). */
export function trimLeftSpace(s: string): string {
  const m = GO_SPACE.exec(s);
  return m === null ? s : s.slice(m[0].length);
}

/** goTrimSpace is strings.TrimSpace. */
export function goTrimSpace(s: string): string {
  return trimLeftSpace(s).replace(/[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/u, '');
}

function readHead(file: string, doc: string): Head {
  let v;
  try {
    v = yamlToJson(doc, { target: sigsTarget(SIMPLE_HEAD) });
  } catch (err) {
    if (err instanceof YamlToJsonError) {
      throw new ManifestParseError(`YAML parse error on ${file}: error converting YAML to JSON: ${err.message}`);
    }
    throw err;
  }
  try {
    return decodeGoStruct<Head>(v, SIMPLE_HEAD);
  } catch (err) {
    if (err instanceof GoJsonTypeError) {
      throw new ManifestParseError(
        `YAML parse error on ${file}: error unmarshaling JSON: while decoding JSON: ${err.message}`,
      );
    }
    throw err;
  }
}

function splitPolicies(v: string | undefined): string[] {
  if (v === undefined) return [];
  return v.split(',').map((p) => goTrimSpace(p).toLowerCase());
}

/** goAtoi is strconv.Atoi for the hook weight (0 when it does not parse). */
function goAtoi(s: string | undefined): number {
  if (s === undefined || !/^[+-]?[0-9]+$/.test(s)) return 0;
  const v = BigInt(s);
  return v >= -(1n << 63n) && v < 1n << 63n ? Number(v) : 0;
}

/** SortResult is the hooks and manifests of a render, sorted. */
export interface SortResult {
  hooks: Hook[];
  manifests: Manifest[];
}

/**
 * sortManifests is Helm's SortManifests over rendered files (name → output). Partials and blank files are
 * skipped. Throws ManifestParseError (with what was sorted so far) on a document that is not YAML.
 */
export function sortManifests(
  files: ReadonlyMap<string, string>,
  order: readonly string[] = INSTALL_ORDER,
): SortResult {
  const hooks: Hook[] = [];
  const manifests: Manifest[] = [];
  const paths = [...files.keys()].sort(compareGoStrings);
  for (const path of paths) {
    const content = files.get(path)!;
    if (path.slice(path.lastIndexOf('/') + 1).startsWith('_')) continue;
    if (goTrimSpace(content) === '') continue;
    for (const m of splitManifests(content)) {
      const head = readHead(path, m);
      const annotations = head.metadata?.annotations;
      if (
        annotations === undefined ||
        Object.keys(annotations).length === 0 ||
        !Object.hasOwn(annotations, 'helm.sh/hook')
      ) {
        manifests.push({ name: path, content: m, head });
        continue;
      }
      const events: string[] = [];
      let unknown = false;
      for (const raw of annotations['helm.sh/hook']!.split(',')) {
        const e = HOOK_EVENTS.get(goTrimSpace(raw).toLowerCase());
        if (e === undefined) {
          unknown = true;
          break;
        }
        events.push(e);
      }
      if (unknown) continue;
      hooks.push({
        name: head.metadata?.name ?? '',
        kind: head.kind,
        path,
        manifest: m,
        events,
        weight: goAtoi(annotations['helm.sh/hook-weight']),
        deletePolicies: splitPolicies(annotations['helm.sh/hook-delete-policy']),
        outputLogPolicies: splitPolicies(annotations['helm.sh/hook-output-log-policy']),
      });
    }
  }
  return {
    hooks: sortByKind(hooks, (h) => h.kind, order),
    manifests: sortByKind(manifests, (m) => m.head.kind, order),
  };
}

/** sortByKind is Helm's stable kind sort: listed kinds in order, unknown kinds after them by name. */
export function sortByKind<T>(items: T[], kindOf: (t: T) => string, order: readonly string[]): T[] {
  const rank = new Map(order.map((k, i) => [k, i]));
  return items
    .map((item, index) => ({ item, index, kind: kindOf(item) }))
    .sort((a, b) => {
      const ra = rank.get(a.kind);
      const rb = rank.get(b.kind);
      let c: number;
      if (ra === undefined && rb === undefined) c = a.kind === b.kind ? 0 : a.kind < b.kind ? -1 : 1;
      else if (ra === undefined) c = 1;
      else if (rb === undefined) c = -1;
      else c = ra - rb;
      return c !== 0 ? c : a.index - b.index;
    })
    .map((e) => e.item);
}
