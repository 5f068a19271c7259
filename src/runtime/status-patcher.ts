import { type KubeClient, type KubeObject, typeOf } from '../kube/client/index.ts';
import { mergePatch } from './merge-patch.ts';

/**
 * StatusPatcher remembers an object as loaded and later sends only what the reconcile changed in `status`, as a
 * JSON merge patch on the status subresource (fluxcd/pkg runtime/patch). No change, no request.
 *
 * @example
 *   const patcher = new StatusPatcher(client, obj, 'source-controller');
 *   try { ...mutate obj.status... } finally { await patcher.patch(obj); }
 */
export class StatusPatcher<T extends KubeObject> {
  readonly #client: KubeClient;
  readonly #fieldManager: string;
  #snapshot: unknown;
  readonly #superseded = new Set<string>();

  constructor(client: KubeClient, obj: T, fieldManager: string) {
    this.#client = client;
    this.#fieldManager = fieldManager;
    this.#snapshot = structuredClone(obj.status ?? {});
  }

  /** diff returns the merge patch of `status` since the snapshot, or undefined when nothing changed. */
  diff(obj: T): Record<string, unknown> | undefined {
    const patch = mergePatch(this.#snapshot, obj.status ?? {});
    return patch === undefined ? undefined : { status: patch };
  }

  /** patch sends the diff (if any), then takes the patched status as the new snapshot. Returns whether it sent. */
  async patch(obj: T): Promise<boolean> {
    const body = this.diff(obj);
    if (!body) return false;
    // What was sent becomes the snapshot, not what status holds once the request returns: a reconcile still
    // running (a mid-run progress patch) may have changed it meanwhile, and those changes are still to be sent.
    const sent = structuredClone(obj.status ?? {});
    const key = {
      name: obj.metadata.name ?? '',
      ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    };
    const before = obj.metadata.resourceVersion;
    const updated = await this.#client.patch<T>(typeOf(obj), key, 'merge', body, {
      subresource: 'status',
      fieldManager: this.#fieldManager,
    });
    obj.metadata.resourceVersion = updated.metadata.resourceVersion;
    if (before) this.#superseded.add(before);
    this.#snapshot = sent;
    return true;
  }

  /** superseded lists the resourceVersions this patcher's writes replaced: a cache still showing one of them lags. */
  get superseded(): ReadonlySet<string> {
    return this.#superseded;
  }
}
