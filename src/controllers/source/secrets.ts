import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { FluxtsError } from '../../util/errors.ts';

/** SecretNotFoundError: a referenced Secret does not exist (or can't be read); the message names it, no data. */
export class SecretNotFoundError extends FluxtsError {}

type Secret = KubeObject<never, never> & { data?: Record<string, string> };

const SECRET_TYPE = { apiVersion: 'v1', kind: 'Secret' };

/**
 * readSecretData fetches a Secret and decodes its `data` values; the error names `namespace/name` and the
 * purpose (e.g. "spec.secretRef") but never a value.
 */
export async function readSecretData(
  client: KubeClient,
  namespace: string,
  name: string,
  purpose: string,
): Promise<Record<string, Uint8Array>> {
  let secret: Secret;
  try {
    secret = await client.get<Secret>(SECRET_TYPE, { namespace, name });
  } catch (cause) {
    throw new SecretNotFoundError(`failed to get secret '${namespace}/${name}' (${purpose}): ${describe(cause)}`, {
      cause,
    });
  }
  const out: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(secret.data ?? {})) out[key] = Buffer.from(value, 'base64');
  return out;
}

function describe(err: unknown): string {
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 404) return 'not found';
  if (status === 403) return 'forbidden';
  return err instanceof Error ? err.message : String(err);
}
