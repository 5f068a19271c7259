// Helm's Secret storage driver on the cluster (helm `storage/driver.Secrets` behind `storage.Storage`), so that the
// helm-controller keeps releases where and as Helm keeps them: one `helm.sh/release.v1` Secret per revision,
// `sh.helm.release.v1.<name>.v<N>`, labelled `name`, `owner=helm`, `status`, `version`, `createdAt`/`modifiedAt`,
// the record gzipped and base64'd as engines/helm writes it. The real `helm list|history|get|status|upgrade|rollback`
// read what this writes, and this reads what they write.
import {
  type Release,
  releaseFromSecret,
  ReleaseDecodeError,
  releaseSecret,
  releaseSecretName,
  releaseSelector,
  type StoredSecret,
} from '../../engines/helm/index.ts';
import { isNotFound, type KubeClient, type KubeObject } from '../../kube/index.ts';
import { FluxtsError } from '../../util/errors.ts';

const SECRET = { apiVersion: 'v1', kind: 'Secret' } as const;

/** ReleaseStorageError is a storage operation that failed; the message names the release, never its data. */
export class ReleaseStorageError extends FluxtsError {}

type SecretObject = KubeObject & StoredSecret;

/** ReleaseStorage is the release storage of one namespace (`storageNamespace`). */
export class ReleaseStorage {
  readonly namespace: string;
  readonly #client: KubeClient;
  readonly #fieldManager: string;

  constructor(client: KubeClient, namespace: string, fieldManager = 'helm-controller') {
    this.#client = client;
    this.namespace = namespace;
    this.#fieldManager = fieldManager;
  }

  /**
   * history is every stored revision of a release, oldest first (Storage.History). A record that does not decode
   * fails the whole read, as Helm's driver does: nothing may be decided on a partial history.
   */
  async history(name: string): Promise<Release[]> {
    const list = await this.#client.listAll<SecretObject>(SECRET, {
      namespace: this.namespace,
      labelSelector: releaseSelector(name),
    });
    const releases = list.items.map((secret) => {
      try {
        return releaseFromSecret(secret);
      } catch (err) {
        if (err instanceof ReleaseDecodeError) {
          throw new ReleaseStorageError(`release ${this.namespace}/${name}: ${err.message}`, { cause: err });
        }
        throw err;
      }
    });
    return releases.sort((a, b) => a.version - b.version);
  }

  /** last is the newest revision (Storage.Last), undefined when the release has none. */
  async last(name: string): Promise<Release | undefined> {
    const all = await this.history(name);
    return all[all.length - 1];
  }

  /** get reads one revision, undefined when it is not stored. */
  async get(name: string, version: number): Promise<Release | undefined> {
    try {
      const secret = await this.#client.get<SecretObject>(SECRET, {
        namespace: this.namespace,
        name: releaseSecretName(name, version),
      });
      return releaseFromSecret(secret);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** create stores a new revision (Storage.Create); an existing one is an error, as in Helm. */
  async create(rel: Release, now: Date = new Date()): Promise<void> {
    const secret = releaseSecret(rel, { created: true }, now);
    await this.#client.create(secret as unknown as KubeObject, { fieldManager: this.#fieldManager });
  }

  /** update rewrites a stored revision (Storage.Update), e.g. pending-install → deployed, deployed → superseded. */
  async update(rel: Release, now: Date = new Date()): Promise<void> {
    const secret = releaseSecret(rel, { modified: true }, now);
    await this.#client.update(secret as unknown as KubeObject, { fieldManager: this.#fieldManager });
  }

  /** delete removes a revision (Storage.Delete); a missing one is fine. */
  async delete(name: string, version: number): Promise<void> {
    try {
      await this.#client.delete(SECRET, { namespace: this.namespace, name: releaseSecretName(name, version) });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * truncate keeps the newest `max` revisions and deletes the rest, oldest first (`maxHistory`; 0 keeps all). The
   * newest deployed revision is never deleted, as Helm's removeLeastRecent keeps it.
   */
  async truncate(name: string, max: number): Promise<number[]> {
    if (max <= 0) return [];
    const all = await this.history(name);
    const deployed = [...all].reverse().find((r) => r.info.status === 'deployed')?.version;
    const removable = all.filter((r) => r.version !== deployed);
    const excess = all.length - max;
    const doomed = removable.slice(0, Math.max(0, excess)).map((r) => r.version);
    for (const version of doomed) await this.delete(name, version);
    return doomed;
  }
}
