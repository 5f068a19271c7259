// Server-side dry-run apply: what the object would look like after our apply, without changing anything.
import {
  KubeApiError,
  type KubeClient,
  type KubeObject,
  resourcePath,
  type ResourceRef,
  typeOf,
} from '../client/index.ts';

/** ssaQuery is the query of a forced server-side apply under a field manager, optionally as a dry-run. */
export function ssaQuery(fieldManager: string, dryRun: boolean): Record<string, string | boolean> {
  return { fieldManager, force: true, ...(dryRun ? { dryRun: 'All' } : {}) };
}

/** objectPath is the REST path of an object, from its kind's mapping. */
export function objectPath(ref: ResourceRef, obj: KubeObject): string {
  return resourcePath(ref, ref.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name ?? '');
}

/**
 * serverSideApply sends a forced server-side apply of the whole object (`dryRun` asks the server to validate,
 * default and merge it against the live object, and return the result without storing it).
 */
export async function serverSideApply(
  client: KubeClient,
  obj: KubeObject,
  fieldManager: string,
  dryRun: boolean,
): Promise<KubeObject> {
  const ref = await client.resourceFor(typeOf(obj));
  return client.transport.request<KubeObject>({
    method: 'PATCH',
    path: objectPath(ref, obj),
    query: ssaQuery(fieldManager, dryRun),
    body: obj,
    contentType: 'application/apply-patch+yaml',
  });
}

/** dryRunApply is serverSideApply with dryRun=All. */
export function dryRunApply(client: KubeClient, obj: KubeObject, fieldManager: string): Promise<KubeObject> {
  return serverSideApply(client, obj, fieldManager, true);
}

const immutablePatterns = [/is\simmutable/, /immutable\sfield/];

/**
 * isImmutableError says whether an apply failed because of an immutable field, as Flux (after kubectl) decides:
 * any Conflict or Invalid answer, or a message that mentions immutability (admission webhooks, CEL rules).
 */
export function isImmutableError(err: unknown): boolean {
  if (err instanceof KubeApiError && (err.statusCode === 409 || err.statusCode === 422)) return true;
  if (err instanceof KubeApiError && (err.reason === 'Conflict' || err.reason === 'Invalid')) return true;
  const msg = err instanceof Error ? err.message : String(err);
  return immutablePatterns.some((re) => re.test(msg));
}

/**
 * dryRunCreate validates the object as a fresh create (POST with dryRun=All). The server validates before it
 * checks for an existing object, so AlreadyExists means "valid once the old one is gone": a forced re-create is
 * then safe, whereas any other error means the object itself is invalid and deleting the old one would only lose it.
 */
export async function dryRunCreate(client: KubeClient, obj: KubeObject, fieldManager: string): Promise<void> {
  const ref = await client.resourceFor(typeOf(obj));
  const path = resourcePath(ref, ref.namespaced ? obj.metadata.namespace : undefined);
  await client.transport.request<KubeObject>({
    method: 'POST',
    path,
    query: { fieldManager, dryRun: 'All' },
    body: obj,
  });
}
