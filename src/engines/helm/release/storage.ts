import { FluxtsError } from '../../../util/errors.ts';
import { decodeRelease, encodeRelease, type Release, ReleaseDecodeError } from './record.ts';

/**
 * Helm's Secret storage driver (the default) as plain objects: the Secret a release is kept in and back. The
 * helm-controller creates, updates, lists and deletes them through kube/; this module only shapes them.
 */

/** RELEASE_SECRET_TYPE is the Secret type Helm 3 and 4 give release records. */
export const RELEASE_SECRET_TYPE = 'helm.sh/release.v1';

/** SYSTEM_LABELS are the labels the driver owns; user labels may not use them. */
export const SYSTEM_LABELS: readonly string[] = ['name', 'owner', 'status', 'version', 'createdAt', 'modifiedAt'];

/** releaseSecretName is storage.makeKey: `sh.helm.release.v1.<name>.v<revision>`. */
export function releaseSecretName(name: string, version: number): string {
  return `sh.helm.release.v1.${name}.v${version}`;
}

/** releaseSelector is the label selector helm lists a release's history with. */
export function releaseSelector(name: string): string {
  return `name=${name},owner=helm`;
}

/** ReleaseSecret is the Secret as the API takes it (`data` values base64, as in any Secret). */
export interface ReleaseSecret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  type: typeof RELEASE_SECRET_TYPE;
  data: { release: string };
}

/** ReleaseLabelError is a user label that collides with a system label. */
export class ReleaseLabelError extends FluxtsError {}

/**
 * releaseSecret is newSecretsObject as Create (`createdAt`) or Update (`modifiedAt`) call it: user labels, then
 * createdAt/modifiedAt (unix seconds of `now`), then name, owner, status and version.
 */
export function releaseSecret(
  rel: Release,
  op: { created: boolean } | { modified: boolean },
  now: Date,
): ReleaseSecret {
  const reserved = Object.keys(rel.labels).filter((k) => SYSTEM_LABELS.includes(k));
  if (reserved.length > 0) {
    throw new ReleaseLabelError(
      `user supplied labels contains system reserved label name. System labels: [${SYSTEM_LABELS.join(' ')}]`,
    );
  }
  const labels: Record<string, string> = { ...rel.labels };
  labels['created' in op ? 'createdAt' : 'modifiedAt'] = String(Math.floor(now.getTime() / 1000));
  labels['name'] = rel.name;
  labels['owner'] = 'helm';
  labels['status'] = rel.info.status;
  labels['version'] = String(rel.version);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: releaseSecretName(rel.name, rel.version), namespace: rel.namespace, labels },
    type: RELEASE_SECRET_TYPE,
    data: { release: Buffer.from(encodeRelease(rel), 'utf8').toString('base64') },
  };
}

/** StoredSecret is what reading a Secret gives: its labels and base64 data. */
export interface StoredSecret {
  metadata: { name?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
}

/**
 * releaseFromSecret is the driver's Get: the release decoded from `data.release`, with the Secret's non-system
 * labels as the release's labels. Throws ReleaseDecodeError naming the Secret.
 */
export function releaseFromSecret(secret: StoredSecret): Release {
  const what = `Secret ${secret.metadata.name ?? '<unnamed>'}`;
  const data = secret.data?.['release'];
  if (data === undefined) throw new ReleaseDecodeError(`${what}: no release data`);
  let rel: Release;
  try {
    rel = decodeRelease(Buffer.from(data, 'base64').toString('utf8'));
  } catch (err) {
    if (err instanceof ReleaseDecodeError) throw new ReleaseDecodeError(`${what}: ${err.message}`, { cause: err });
    throw err;
  }
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.metadata.labels ?? {})) if (!SYSTEM_LABELS.includes(k)) labels[k] = v;
  rel.labels = labels;
  return rel;
}
