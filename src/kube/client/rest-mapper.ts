import { FluxtsError } from '../../util/errors.ts';
import type { Transport } from './transport.ts';
import { splitApiVersion, type ResourceRef, type TypeRef } from './types.ts';

interface ApiResourceList {
  resources: { name: string; kind: string; namespaced: boolean }[];
}

/** RestMappingError means the server does not serve the kind (CRD missing or wrong apiVersion). */
export class RestMappingError extends FluxtsError {}

/**
 * RestMapper maps kinds to resources through the server's discovery documents, one request per group/version,
 * cached; a miss re-reads the group/version once because CRDs may have been installed since.
 */
export class RestMapper {
  readonly #transport: Transport;
  readonly #byGroupVersion = new Map<string, Promise<Map<string, ResourceRef>>>();

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** resourceFor returns where objects of the given kind live. */
  async resourceFor(type: TypeRef): Promise<ResourceRef> {
    const found = (await this.#load(type.apiVersion, false)).get(type.kind);
    if (found) return found;
    const again = (await this.#load(type.apiVersion, true)).get(type.kind);
    if (again) return again;
    throw new RestMappingError(`${type.kind}.${type.apiVersion}: kind is not served by the API server`, {
      hint: 'install its CustomResourceDefinition, or check the apiVersion',
    });
  }

  #load(apiVersion: string, refresh: boolean): Promise<Map<string, ResourceRef>> {
    const cached = this.#byGroupVersion.get(apiVersion);
    if (cached && !refresh) return cached;
    const { group, version } = splitApiVersion(apiVersion);
    const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    const loading = this.#transport.request<ApiResourceList>({ method: 'GET', path }).then(
      (list) => {
        const byKind = new Map<string, ResourceRef>();
        for (const r of list.resources) {
          if (r.name.includes('/')) continue; // subresources such as status or scale
          byKind.set(r.kind, { group, version, resource: r.name, kind: r.kind, namespaced: r.namespaced });
        }
        return byKind;
      },
      (err: unknown) => {
        this.#byGroupVersion.delete(apiVersion);
        if (err instanceof FluxtsError && 'statusCode' in err && err.statusCode === 404) return new Map();
        throw err;
      },
    );
    this.#byGroupVersion.set(apiVersion, loading);
    return loading;
  }
}

/** resourcePath builds the REST path of a collection (no name) or of one object, optionally a subresource. */
export function resourcePath(ref: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
  let path = ref.group === '' ? `/api/${ref.version}` : `/apis/${ref.group}/${ref.version}`;
  if (ref.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${ref.resource}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource) path += `/${subresource}`;
  return path;
}
