import { decrypt } from './document.ts';
import { SopsKeyError } from './errors.ts';
import { AgeKeyService, parseAgeIdentities } from './keys/age.ts';
import type { KeyService } from './keys/keyservice.ts';
import { PgpKeyService } from './keys/pgp.ts';
import type { Format } from './stores/store.ts';

/** SecretData is a Kubernetes Secret's `data`: values base64-decoded, or still base64 when read from the API. */
export type SecretData = Record<string, Uint8Array | string>;

/**
 * keyServicesFromSecret builds key services from a decryption Secret the way Flux's kustomize-controller reads
 * it: every `*.agekey` entry holds age identities, every `*.asc` entry armored PGP private keys; other entries
 * are ignored. String values are taken as base64 (as in a Secret object's `data`). The Secret's name is used in
 * errors; its content never is.
 */
export function keyServicesFromSecret(data: SecretData, secretName = 'decryption secret'): KeyService[] {
  const ageIds: string[] = [];
  const pgpKeys: string[] = [];
  for (const [name, raw] of Object.entries(data)) {
    const text = (typeof raw === 'string' ? Buffer.from(raw, 'base64') : Buffer.from(raw)).toString('utf8');
    if (name.endsWith('.agekey')) {
      const ids = parseAgeIdentities(text);
      if (ids.length === 0) throw new SopsKeyError(`${secretName}: entry ${name} holds no age identity`);
      ageIds.push(...ids);
    } else if (name.endsWith('.asc')) pgpKeys.push(text);
  }
  const services: KeyService[] = [];
  if (ageIds.length > 0) {
    try {
      services.push(new AgeKeyService(ageIds));
    } catch (err) {
      throw new SopsKeyError(`${secretName}: invalid age identity in an .agekey entry`, { cause: err });
    }
  }
  if (pgpKeys.length > 0) services.push(new PgpKeyService(pgpKeys));
  return services;
}

/**
 * decryptWithSecret decrypts a document with the keys of a decryption Secret (see keyServicesFromSecret); it is
 * what the Kustomization decryption step calls for Secret manifests (`yaml`/`json`) and for the files (`binary`)
 * and env files (`dotenv`) of secretGenerators.
 */
export async function decryptWithSecret(
  document: Uint8Array,
  format: Format,
  data: SecretData,
  secretName?: string,
): Promise<Uint8Array> {
  return decrypt(document, { format, keys: keyServicesFromSecret(data, secretName) });
}
