import type { Document, YAMLMap } from 'yaml';

import { isClusterScoped } from './config.ts';
import type { Configured } from './filters/origin.ts';
import { ensureMap, field, setField, scalar, str, strIn } from './nodes.ts';

/** GeneratorInfo marks a resource made by a ConfigMap/Secret generator. */
export interface GeneratorInfo {
  behavior: 'create' | 'merge' | 'replace';
  hash: boolean;
}

/** NOT_NAMESPACEABLE is the namespace kustomize records for cluster-scoped objects in their previous ids. */
export const NOT_NAMESPACEABLE = '_non_namespaceable_';

/**
 * PrevId is one earlier identity of a resource, as kustomize records it (its `previousNames`, `previousNamespaces`
 * and `previousKinds` build annotations): the namespace is the effective one (`default` for none,
 * `_non_namespaceable_` for cluster-scoped objects); group and version are always the current ones.
 */
export interface PrevId {
  kind: string;
  name: string;
  namespace: string;
}

/** ResId is one identity of a resource: the current one or a previous one, with the current group and version. */
export interface ResId extends PrevId {
  group: string;
  version: string;
  /** whether kustomize treats this identity as cluster-scoped (decided by its apiVersion and kind). */
  clusterScoped: boolean;
}

/**
 * Resource is one Kubernetes object of a build: its YAML mapping (the shared representation the patch engines edit)
 * plus the bookkeeping kustomize keeps beside it: its earlier identities (recorded at the same steps as kustomize
 * records them: namespace, prefix, suffix, hash and name- or kind-changing patches), the prefixes and suffixes
 * applied to it, and the legacy vars bound to it.
 */
export class Resource {
  node: YAMLMap;
  readonly doc: Document | undefined;
  /** file the resource was read from (or the kustomization that generated it). */
  readonly file: string;
  /** Earlier identities, oldest first; used to find patch targets, replacement selections and references. */
  readonly prevIds: PrevId[] = [];
  readonly prefixes: string[] = [];
  readonly suffixes: string[] = [];
  /** legacy `vars:` bound to this object where they were declared (kustomize's refVarNames). */
  readonly refVarNames: string[] = [];
  generator: GeneratorInfo | undefined;
  /** origin set by a `generators:` plugin config (buildMetadata); file-read and built-in generated objects derive it. */
  origin: Configured | undefined;
  /** transformers that ran over this object, in order, for `buildMetadata: [transformerAnnotations]`. */
  readonly transformations: Configured[] = [];
  /** Set when the resource belongs to a Kustomization's `crds`/generated metadata that must not be printed. */
  local = false;

  constructor(node: YAMLMap, file: string, doc?: Document) {
    this.node = node;
    this.file = file;
    this.doc = doc;
  }

  private cache: { apiVersion: string; kind: string; name: string; namespace: string } | undefined;

  /** refresh drops cached identity fields; call it after editing the node outside the setters (patches). */
  refresh(): void {
    this.cache = undefined;
  }

  private ident(): { apiVersion: string; kind: string; name: string; namespace: string } {
    if (!this.cache) {
      const meta = field(this.node, 'metadata');
      this.cache = {
        apiVersion: strIn(this.node, ['apiVersion']) ?? '',
        kind: strIn(this.node, ['kind']) ?? '',
        name: str(field(meta, 'name')) ?? '',
        namespace: str(field(meta, 'namespace')) ?? '',
      };
    }
    return this.cache;
  }

  get apiVersion(): string {
    return this.ident().apiVersion;
  }
  get kind(): string {
    return this.ident().kind;
  }
  get group(): string {
    const av = this.apiVersion;
    const i = av.lastIndexOf('/');
    return i < 0 ? '' : av.slice(0, i);
  }
  get version(): string {
    const av = this.apiVersion;
    return av.slice(av.lastIndexOf('/') + 1);
  }
  get name(): string {
    return this.ident().name;
  }
  get namespace(): string {
    return this.ident().namespace;
  }

  /** clusterScoped: kustomize leaves this object out of namespaces (its exact apiVersion and kind say so). */
  get clusterScoped(): boolean {
    return isClusterScoped(this.apiVersion, this.kind);
  }

  /** effectiveNamespace is the namespace kustomize compares ids by: `default` for none; none for cluster scope. */
  get effectiveNamespace(): string {
    return effectiveNamespace(this.clusterScoped, this.namespace);
  }

  /** originalName is the name of the resource's first identity (kustomize's OrgId). */
  get originalName(): string {
    return this.prevIds[0]?.name ?? this.name;
  }

  /** originalNamespace is the effective namespace of the first identity. */
  get originalNamespace(): string {
    return this.prevIds[0]?.namespace ?? this.effectiveNamespace;
  }

  /** originalKind is the kind of the first identity. */
  get originalKind(): string {
    return this.prevIds[0]?.kind ?? this.kind;
  }

  /** storePreviousId records the current identity before a transformer changes it (kustomize's StorePreviousId). */
  storePreviousId(): void {
    this.prevIds.push({ kind: this.kind, name: this.name, namespace: this.effectiveNamespace });
  }

  /** setName renames the resource; callers record the previous id where kustomize does. */
  setName(name: string): void {
    if (this.name === name) return;
    setField(ensureMap(this.node, 'metadata'), 'name', scalar(name));
    this.cache = undefined;
  }

  /** setNamespace sets metadata.namespace; callers record the previous id where kustomize does. */
  setNamespace(ns: string): void {
    setField(ensureMap(this.node, 'metadata'), 'namespace', scalar(ns));
    this.cache = undefined;
  }

  /** hadName is true when `name` is the current or any earlier name of this resource. */
  hadName(name: string): boolean {
    return this.name === name || this.prevIds.some((p) => p.name === name);
  }

  /** currentId is the resource's id now. */
  get currentId(): ResId {
    const clusterScoped = this.clusterScoped;
    return {
      group: this.group,
      version: this.version,
      kind: this.kind,
      name: this.name,
      namespace: this.namespace,
      clusterScoped,
    };
  }

  /** previousIds are the earlier ids, oldest first, with the current group and version (kustomize's PrevIds). */
  get previousIds(): ResId[] {
    const { group, version } = this;
    // kustomize builds previous ids without looking up their scope: they compare by the namespace recorded.
    return this.prevIds.map((p) => ({ group, version, ...p, clusterScoped: false }));
  }

  /** ids are the current id then the previous ones (kustomize's MakeResIds). */
  get ids(): ResId[] {
    return [this.currentId, ...this.previousIds];
  }

  /** anyIdEquals is kustomize's GetMatchingResourcesByAnyId(id.Equals) test for one resource. */
  anyIdEquals(id: ResId): boolean {
    return [...this.previousIds, this.currentId].some((x) => resIdEquals(x, id));
  }

  /** id is `group/version/kind/namespace/name`, unique within a build. */
  get id(): string {
    return resourceId(this.group, this.version, this.kind, this.namespace, this.name);
  }

  /** label text for messages: `Kind/namespace/name` or `Kind/name`. */
  get subject(): string {
    const ns = this.namespace;
    return ns ? `${this.kind}/${ns}/${this.name}` : `${this.kind}/${this.name}`;
  }
}

/** effectiveNamespace: kustomize compares namespaces with none meaning `default`, and none at all for cluster scope. */
export function effectiveNamespace(clusterScoped: boolean, namespace: string): string {
  if (clusterScoped) return NOT_NAMESPACEABLE;
  return namespace === '' ? 'default' : namespace;
}

/** resIdEquals is kustomize's ResId.Equals: same group, version, kind and name, and the same effective namespace. */
export function resIdEquals(a: ResId, b: ResId): boolean {
  return (
    a.name === b.name &&
    a.kind === b.kind &&
    a.group === b.group &&
    a.version === b.version &&
    effectiveNamespace(a.clusterScoped, a.namespace) === effectiveNamespace(b.clusterScoped, b.namespace)
  );
}

/** resourceId joins the identifying fields. */
export function resourceId(group: string, version: string, kind: string, ns: string, name: string): string {
  return `${group}|${version}|${kind}|${ns}|${name}`;
}

/** metaString reads `metadata.<key>` as a string. */
export function metaString(r: Resource, key: string): string | undefined {
  return str(field(field(r.node, 'metadata'), key));
}
