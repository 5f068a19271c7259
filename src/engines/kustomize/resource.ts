import type { Document, YAMLMap } from 'yaml';

import type { Configured } from './filters/origin.ts';
import { ensureMap, field, setField, scalar, str, strIn } from './nodes.ts';

/** GeneratorInfo marks a resource made by a ConfigMap/Secret generator. */
export interface GeneratorInfo {
  behavior: 'create' | 'merge' | 'replace';
  hash: boolean;
}

/**
 * Resource is one Kubernetes object of a build: its YAML mapping (the shared representation the patch engines edit)
 * plus the bookkeeping kustomize keeps beside it: the names it had before renames (for name references), and the
 * prefixes and suffixes applied to it.
 */
export class Resource {
  node: YAMLMap;
  readonly doc: Document | undefined;
  /** file the resource was read from (or the kustomization that generated it). */
  readonly file: string;
  /** Names and namespaces before each rename, oldest first; used to rewrite references. */
  readonly previousNames: string[] = [];
  readonly previousNamespaces: string[] = [];
  readonly prefixes: string[] = [];
  readonly suffixes: string[] = [];
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

  /** originalName is the name the resource was declared with. */
  get originalName(): string {
    return this.previousNames[0] ?? this.name;
  }
  get originalNamespace(): string {
    return this.previousNamespaces[0] ?? this.namespace;
  }

  /** setName renames the resource, remembering the old name for reference rewriting. */
  setName(name: string): void {
    const old = this.name;
    if (old === name) return;
    this.previousNames.push(old);
    this.previousNamespaces.push(this.namespace);
    setField(ensureMap(this.node, 'metadata'), 'name', scalar(name));
    this.cache = undefined;
  }

  /** setNamespace moves the resource, remembering the old id. */
  setNamespace(ns: string): void {
    const old = this.namespace;
    if (old === ns && field(field(this.node, 'metadata'), 'namespace') !== undefined) return;
    this.previousNames.push(this.name);
    this.previousNamespaces.push(old);
    setField(ensureMap(this.node, 'metadata'), 'namespace', scalar(ns));
    this.cache = undefined;
  }

  /** hasName is true when `name` is the current or any earlier name of this resource. */
  hadName(name: string): boolean {
    return this.name === name || this.previousNames.includes(name);
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

/** resourceId joins the identifying fields. */
export function resourceId(group: string, version: string, kind: string, ns: string, name: string): string {
  return `${group}|${version}|${kind}|${ns}|${name}`;
}

/** metaString reads `metadata.<key>` as a string. */
export function metaString(r: Resource, key: string): string | undefined {
  return str(field(field(r.node, 'metadata'), key));
}
