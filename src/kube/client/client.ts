import type { KubeConfig } from './kubeconfig.ts';
import { RestMapper, resourcePath } from './rest-mapper.ts';
import { Transport } from './transport.ts';
import type { KubeList, KubeObject, ObjectKey, ResourceRef, TypeRef, WatchEvent } from './types.ts';
import { readWatchEvents } from './watch-stream.ts';

/** PatchType selects the Content-Type of a PATCH. */
export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

const patchContentType: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** ListOptions narrows a list or watch. */
export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

/** WatchOptions starts a watch at a resourceVersion; `timeoutSeconds` asks the server to end it cleanly. */
export interface WatchOptions extends ListOptions {
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
  signal?: AbortSignal;
}

/** PatchOptions carries the field manager (required for apply) and force for server-side apply conflicts. */
export interface PatchOptions {
  fieldManager?: string;
  force?: boolean;
  subresource?: 'status';
  /** dryRun asks the server to validate and admit the change without persisting it (`dryRun=All`). */
  dryRun?: boolean;
}

/**
 * KubeClient is the typed generic client every controller uses: kinds are addressed by apiVersion and kind,
 * mapped to resources through discovery. Objects are plain JSON; type parameters only narrow them.
 *
 * @example
 *   const client = new KubeClient(loadKubeConfig());
 *   const repo = await client.get<GitRepository>(gitRepositoryType, { namespace: 'flux-system', name: 'podinfo' });
 */
export class KubeClient {
  readonly transport: Transport;
  readonly mapper: RestMapper;

  /**
   * `options.requestTimeoutMs` aborts any request of this client still in flight after that long;
   * `options.callTimeoutMs` bounds a call until its answer (a watch until its stream starts): see Transport.
   */
  constructor(
    kubeConfig: KubeConfig,
    options: { qps?: number; burst?: number; requestTimeoutMs?: number; callTimeoutMs?: number } = {},
  ) {
    const { qps, burst, requestTimeoutMs, callTimeoutMs } = options;
    this.transport = new Transport(
      kubeConfig,
      qps ? { qps, burst: burst ?? qps } : undefined,
      requestTimeoutMs,
      callTimeoutMs,
    );
    this.mapper = new RestMapper(this.transport);
  }

  /** resourceFor exposes the REST mapping of a kind. */
  resourceFor(type: TypeRef): Promise<ResourceRef> {
    return this.mapper.resourceFor(type);
  }

  /** get reads one object; throws KubeApiError (see isNotFound) when it is missing. */
  async get<T extends KubeObject>(type: TypeRef, key: ObjectKey): Promise<T> {
    const ref = await this.resourceFor(type);
    return this.transport.request<T>({ method: 'GET', path: resourcePath(ref, key.namespace, key.name) });
  }

  /** list reads one page of a collection (all namespaces when no namespace is given). */
  async list<T extends KubeObject>(type: TypeRef, opts: ListOptions = {}): Promise<KubeList<T>> {
    const ref = await this.resourceFor(type);
    const { namespace, ...query } = opts;
    return this.transport.request<KubeList<T>>({ method: 'GET', path: resourcePath(ref, namespace), query });
  }

  /** listAll follows continue tokens and returns every item with the resourceVersion of the first page. */
  async listAll<T extends KubeObject>(type: TypeRef, opts: ListOptions = {}): Promise<KubeList<T>> {
    const first = await this.list<T>(type, { limit: 500, ...opts });
    const items = [...first.items];
    let next = first.metadata.continue;
    while (next) {
      const page = await this.list<T>(type, { limit: 500, ...opts, continue: next });
      items.push(...page.items);
      next = page.metadata.continue;
    }
    return { ...first, metadata: { resourceVersion: first.metadata.resourceVersion }, items };
  }

  /** watch streams events from a resourceVersion until the server ends the watch or the signal aborts. */
  async watch<T extends KubeObject>(type: TypeRef, opts: WatchOptions = {}): Promise<AsyncGenerator<WatchEvent<T>>> {
    const ref = await this.resourceFor(type);
    const { namespace, signal, ...query } = opts;
    const body = await this.transport.stream({
      method: 'GET',
      path: resourcePath(ref, namespace),
      query: { ...query, watch: true },
      ...(signal ? { signal } : {}),
    });
    return readWatchEvents<T>(body);
  }

  /** create posts a new object. */
  async create<T extends KubeObject>(obj: T, opts: { fieldManager?: string } = {}): Promise<T> {
    const ref = await this.resourceFor(typeOf(obj));
    return this.transport.request<T>({
      method: 'POST',
      path: resourcePath(ref, obj.metadata.namespace),
      query: { fieldManager: opts.fieldManager },
      body: obj,
    });
  }

  /** update replaces an object; the object's resourceVersion makes it an optimistic-locked write. */
  async update<T extends KubeObject>(obj: T, opts: PatchOptions = {}): Promise<T> {
    const ref = await this.resourceFor(typeOf(obj));
    return this.transport.request<T>({
      method: 'PUT',
      path: resourcePath(ref, obj.metadata.namespace, obj.metadata.name, opts.subresource),
      query: { fieldManager: opts.fieldManager },
      body: obj,
    });
  }

  /** patch sends a patch of the given type to an object or its status subresource. */
  async patch<T extends KubeObject>(
    type: TypeRef,
    key: ObjectKey,
    patchType: PatchType,
    patch: unknown,
    opts: PatchOptions = {},
  ): Promise<T> {
    const ref = await this.resourceFor(type);
    return this.transport.request<T>({
      method: 'PATCH',
      path: resourcePath(ref, key.namespace, key.name, opts.subresource),
      query: {
        fieldManager: opts.fieldManager,
        force: patchType === 'apply' ? (opts.force ?? false) : undefined,
        dryRun: opts.dryRun ? 'All' : undefined,
      },
      body: patch,
      contentType: patchContentType[patchType],
    });
  }

  /** apply is server-side apply of a whole object under a field manager (JSON is valid apply YAML). */
  apply<T extends KubeObject>(
    obj: T,
    opts: { fieldManager: string; force?: boolean; subresource?: 'status'; dryRun?: boolean },
  ) {
    const key = {
      name: obj.metadata.name ?? '',
      ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    };
    return this.patch<T>(typeOf(obj), key, 'apply', obj, opts);
  }

  /** delete removes an object (background propagation, like kubectl). */
  async delete(type: TypeRef, key: ObjectKey): Promise<void> {
    const ref = await this.resourceFor(type);
    await this.transport.request<unknown>({
      method: 'DELETE',
      path: resourcePath(ref, key.namespace, key.name),
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
    });
  }
}

/** typeOf reads apiVersion and kind from an object. */
export function typeOf(obj: KubeObject): TypeRef {
  return { apiVersion: obj.apiVersion ?? '', kind: obj.kind ?? '' };
}
