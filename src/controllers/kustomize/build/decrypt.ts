// Step "decrypt": SOPS-encrypted resources of the build output, with the keys of spec.decryption.secretRef
// (kustomize-controller `internal/decryptor`). The hook is a plain function so other key sources can replace it.
import { Reason, type Kustomization } from '../../../api/index.ts';
import {
  decrypt,
  decryptResourceJson,
  decryptSecretField,
  isSopsResource,
  keyServicesFromSecret,
  type KeyService,
} from '../../../engines/sops/index.ts';
import type { FileSystem } from '../../../engines/kustomize/index.ts';
import { isNotFound, type KubeClient, type KubeObject } from '../../../kube/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import { decryptSources } from './decrypt-sources.ts';
import { StepError } from '../../../runtime/index.ts';
import { awsKmsApi } from '../../../fetchers/aws-kms/index.ts';

/**
 * Decryptor turns the built resources into decrypted ones; it returns the same object when nothing changed. Its
 * optional `sources` runs before the build: it returns the plaintext of the sources the build reads (absolute path
 * → bytes), which the build serves from memory instead of the files.
 */
export interface Decryptor {
  (objects: KubeObject[], ks: Kustomization): Promise<KubeObject[]>;
  sources?: (fs: FileSystem, root: string, dir: string, ks: Kustomization) => Promise<Map<string, Uint8Array>>;
}

/** DECRYPT_ANNOTATION set to `disabled` (any case) leaves a resource encrypted. */
export const DECRYPT_ANNOTATION = 'kustomize.toolkit.fluxcd.io/decrypt';

function subjectOf(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind ?? ''}/${ns ? `${ns}/` : ''}${obj.metadata?.name ?? ''}`;
}

/**
 * awsEndpoints reads the endpoint overrides the AWS SDK in Flux's controller honours: AWS_ENDPOINT_URL_KMS and
 * AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL for both.
 */
export function awsEndpoints(env: NodeJS.ProcessEnv): { endpoint?: string; stsEndpoint?: string } {
  const kms = env['AWS_ENDPOINT_URL_KMS'] || env['AWS_ENDPOINT_URL'];
  const sts = env['AWS_ENDPOINT_URL_STS'] || env['AWS_ENDPOINT_URL'];
  return { ...(kms ? { endpoint: kms } : {}), ...(sts ? { stsEndpoint: sts } : {}) };
}

async function keysFor(client: KubeClient, ks: Kustomization): Promise<KeyService[]> {
  const ref = ks.spec.decryption?.secretRef;
  if (!ref) return [];
  const namespace = ks.metadata.namespace ?? '';
  let secret: KubeObject;
  try {
    secret = await client.get({ apiVersion: 'v1', kind: 'Secret' }, { namespace, name: ref.name });
  } catch (err) {
    const why = isNotFound(err) ? 'not found' : 'could not be read';
    throw new StepError(Reason.BuildFailed, `decryption secret '${namespace}/${ref.name}' ${why}`, { cause: err });
  }
  try {
    const endpoints = awsEndpoints(process.env);
    return keyServicesFromSecret((secret['data'] ?? {}) as Record<string, string>, `${namespace}/${ref.name}`, {
      kms: (credentials) => awsKmsApi({ credentials, ...endpoints }),
    });
  } catch (err) {
    throw new StepError(Reason.BuildFailed, errorMessage(err), { cause: err });
  }
}

async function decryptOne(obj: KubeObject, keys: KeyService[]): Promise<KubeObject> {
  let out = obj;
  if (isSopsResource(obj)) {
    const plain = await decryptResourceJson(new TextEncoder().encode(JSON.stringify(obj)), keys);
    out = JSON.parse(new TextDecoder().decode(plain)) as KubeObject;
  }
  if (out.kind === 'Secret' && out.apiVersion === 'v1' && out['data'] && typeof out['data'] === 'object') {
    const data = { ...(out['data'] as Record<string, string>) };
    let changed = false;
    for (const [key, value] of Object.entries(data)) {
      const plain = await decryptSecretField(key, Buffer.from(value, 'base64'), keys);
      if (plain === undefined) continue;
      data[key] = Buffer.from(plain).toString('base64');
      changed = true;
    }
    if (changed) out = { ...out, data };
  }
  return out;
}

/**
 * sopsDecryptor decrypts with the keys of `spec.decryption.secretRef` (`*.agekey`, `*.asc`, `sops.aws-kms`); without
 * `spec.decryption` it passes the objects through. Errors name the object, never a value.
 */
export function sopsDecryptor(client: KubeClient): Decryptor {
  const decryptor: Decryptor = async (objects, ks) => {
    const decryption = ks.spec.decryption;
    if (!decryption) return objects;
    if (decryption.provider !== 'sops') {
      throw new StepError(Reason.BuildFailed, `decryption provider '${String(decryption.provider)}' is not supported`);
    }
    const keys = await keysFor(client, ks);
    const out: KubeObject[] = [];
    for (const obj of objects) {
      if (obj.metadata?.annotations?.[DECRYPT_ANNOTATION]?.toLowerCase() === 'disabled') {
        out.push(obj);
        continue;
      }
      try {
        out.push(await decryptOne(obj, keys));
      } catch (err) {
        throw new StepError(Reason.BuildFailed, `${subjectOf(obj)} decryption failed: ${errorMessage(err)}`, {
          cause: err,
        });
      }
    }
    return out;
  };
  decryptor.sources = async (fs, root, dir, ks) => {
    if (ks.spec.decryption?.provider !== 'sops') return new Map();
    // The keys are read on the first encrypted source only; most builds have none.
    let keys: Promise<KeyService[]> | undefined;
    try {
      return await decryptSources({
        fs,
        root,
        dir,
        decrypt: async (data, format) =>
          decrypt(data, { format, keys: await (keys ??= keysFor(client, ks)), verifyMac: false }),
      });
    } catch (err) {
      throw new StepError(Reason.BuildFailed, `error decrypting sources: ${errorMessage(err)}`, { cause: err });
    }
  };
  return decryptor;
}

/**
 * refuseEncrypted fails when a Secret still carries sops metadata (nothing configured to decrypt it), as Flux
 * refuses to apply ciphertext.
 */
export function refuseEncrypted(objects: readonly KubeObject[]): void {
  for (const obj of objects) {
    if (obj.kind !== 'Secret' || obj['sops'] === undefined) continue;
    if (obj.metadata?.annotations?.[DECRYPT_ANNOTATION]?.toLowerCase() === 'disabled') continue;
    throw new StepError(
      Reason.ReconciliationFailed,
      `${subjectOf(obj)} is SOPS encrypted, configuring decryption is required for this secret to be reconciled`,
    );
  }
}
