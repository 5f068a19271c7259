import type { KubeClient, KubeList, KubeObject, TypeRef, WatchEvent } from '../kube/client/index.ts';

/** ListWatch is the pair of calls an informer needs: a full list and a watch from a resourceVersion. */
export interface ListWatch<T extends KubeObject> {
  list(): Promise<KubeList<T>>;
  watch(resourceVersion: string, signal: AbortSignal): Promise<AsyncIterable<WatchEvent<T>>>;
}

/** ListWatchScope narrows what an informer sees: one namespace (or all) and a label selector. */
export interface ListWatchScope {
  namespace?: string;
  labelSelector?: string;
}

/**
 * clientListWatch lists and watches a kind through the client, in a scope fixed or read at each call. Watches ask for bookmarks (so a quiet watch still
 * advances its resourceVersion) and are ended by the server after 4–5 minutes (client-go uses 5–10), staying under
 * undici's 300 s body timeout so a quiet watch ends cleanly and resumes from its resourceVersion.
 */
export function clientListWatch<T extends KubeObject>(
  client: KubeClient,
  type: TypeRef,
  scope: ListWatchScope | (() => ListWatchScope) = {},
): ListWatch<T> {
  const base = (): ListWatchScope => {
    const s = typeof scope === 'function' ? scope() : scope;
    return {
      ...(s.namespace ? { namespace: s.namespace } : {}),
      ...(s.labelSelector ? { labelSelector: s.labelSelector } : {}),
    };
  };
  return {
    list: () => client.listAll<T>(type, base()),
    watch: (resourceVersion, signal) =>
      client.watch<T>(type, {
        ...base(),
        resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: 240 + Math.floor(Math.random() * 50),
        signal,
      }),
  };
}
