// `spec.verify` of an OCIRepository. cosign with public keys (`*.pub` entries of `spec.verify.secretRef`): sigstore
// bundles attached as OCI 1.1 referrers (or the referrers tag schema) first, then legacy `sha256-<hex>.sig`
// simple-signing tags, as Flux does; any key and any signature may match. Keyless verification and notation are
// refused with a clear message.
import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';

import { SourceConditionType, type OCIRepository } from '../../../api/index.ts';
import { OCIError, type Descriptor, type Reference, type RegistryClient } from '../../../fetchers/oci/index.ts';
import type { KubeClient } from '../../../kube/index.ts';
import { conditions } from '../../../runtime/index.ts';
import { errorMessage, FluxtsError } from '../../../util/errors.ts';
import { readSecretData } from '../secrets.ts';

/** VerificationFailedError: no signature matched, or a signature was malformed. */
export class VerificationFailedError extends FluxtsError {}

export interface VerifyOptions {
  signal?: AbortSignal;
}

export const BUNDLE_ARTIFACT_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';

/** verificationUnchanged: the last verification covered this revision with the same provider. */
export function verificationUnchanged(obj: OCIRepository, revision: string): boolean {
  const c = conditions.get(obj, SourceConditionType.SourceVerified);
  if (!obj.spec.verify) return c === undefined;
  return (
    c?.status === 'True' &&
    c.message.endsWith(`of revision ${revision}`) &&
    c.observedGeneration === obj.metadata.generation
  );
}

/** verifyArtifact checks the artifact at `digest`; returns the SourceVerified message or throws. */
export async function verifyArtifact(
  kube: KubeClient,
  obj: OCIRepository,
  client: RegistryClient,
  ref: Reference,
  digest: string,
  revision: string,
  opts: VerifyOptions,
): Promise<string> {
  const verify = obj.spec.verify;
  if (!verify) throw new VerificationFailedError('no verification configured');
  const provider = verify.provider ?? 'cosign';
  if (provider !== 'cosign')
    throw new VerificationFailedError(`verification provider '${provider}' is not supported by fluxts yet`);
  if (!verify.secretRef) {
    throw new VerificationFailedError(
      'keyless verification (no secretRef) is not supported by fluxts yet: set spec.verify.secretRef to a Secret with cosign public keys',
    );
  }
  const ns = obj.metadata.namespace ?? '';
  const data = await readSecretData(kube, ns, verify.secretRef.name, 'spec.verify.secretRef');
  const keys: KeyObject[] = [];
  for (const [name, value] of Object.entries(data)) {
    if (!name.endsWith('.pub')) continue;
    try {
      keys.push(createPublicKey(Buffer.from(value)));
    } catch (err) {
      throw new VerificationFailedError(
        `secret '${ns}/${verify.secretRef.name}': '${name}' is not a PEM public key: ${errorMessage(err)}`,
      );
    }
  }
  if (keys.length === 0)
    throw new VerificationFailedError(`no public keys found in secret '${ns}/${verify.secretRef.name}'`);
  const sig = opts.signal ? { signal: opts.signal } : {};
  const subject = `${ref.registry}/${ref.repository}@${digest}`;
  const lookup: SignatureLookup = { client, repository: ref.repository, digest, keys, opts: sig };
  if ((await verifyBundles(lookup)) || (await verifyLegacy(lookup)))
    return `verified signature of revision ${revision}`;
  throw new VerificationFailedError(`no matching signatures were found for '${subject}'`);
}

function verifies(keys: KeyObject[], payload: Buffer, signature: Buffer): boolean {
  return keys.some((key) => {
    try {
      return createVerify('sha256').update(payload).verify(key, signature);
    } catch {
      return false;
    }
  });
}

/** SignatureLookup is where to look for signatures of an artifact, and the keys that may have made them. */
interface SignatureLookup {
  client: RegistryClient;
  repository: string;
  digest: string;
  keys: KeyObject[];
  opts: { signal?: AbortSignal };
}

/** verifyLegacy: the `sha256-<hex>.sig` tag, one simple-signing layer per signature. */
async function verifyLegacy({ client, repository, digest, keys, opts }: SignatureLookup): Promise<boolean> {
  let layers: Descriptor[];
  try {
    const { manifest } = await client.getManifest(repository, `${digest.replace(':', '-')}.sig`, opts);
    layers = manifest.kind === 'manifest' ? manifest.layers : [];
  } catch (err) {
    if (err instanceof OCIError && err.kind === 'not-found') return false;
    throw err;
  }
  for (const layer of layers) {
    const signature = layer.annotations?.[SIGNATURE_ANNOTATION];
    if (layer.mediaType !== SIMPLE_SIGNING || !signature) continue;
    const payload = await client.readBlob(repository, layer, { ...opts, maxBytes: 1 << 20 });
    if (!verifies(keys, payload, Buffer.from(signature, 'base64'))) continue;
    if (simpleSigningDigest(payload) === digest) return true;
  }
  return false;
}

function simpleSigningDigest(payload: Buffer): string | undefined {
  try {
    const doc = JSON.parse(payload.toString('utf8')) as { critical?: { image?: Record<string, string> } };
    return doc.critical?.image?.['docker-manifest-digest'];
  } catch {
    return undefined;
  }
}

interface Bundle {
  messageSignature?: { messageDigest?: { algorithm?: string; digest?: string }; signature?: string };
  dsseEnvelope?: { payload?: string; payloadType?: string; signatures?: { sig?: string }[] };
}

/** verifyBundles: sigstore bundles whose subject is the artifact, found through the referrers API or tag schema. */
async function verifyBundles({ client, repository, digest, keys, opts }: SignatureLookup): Promise<boolean> {
  const referrers = await client.referrers(repository, digest, { ...opts, artifactType: BUNDLE_ARTIFACT_TYPE });
  for (const r of referrers) {
    const { manifest } = await client.getManifest(repository, r.digest, opts);
    if (manifest.kind !== 'manifest' || manifest.subject?.digest !== digest) continue;
    for (const layer of manifest.layers) {
      let bundle: Bundle;
      try {
        bundle = JSON.parse(
          (await client.readBlob(repository, layer, { ...opts, maxBytes: 1 << 20 })).toString('utf8'),
        ) as Bundle;
      } catch {
        continue;
      }
      if (bundleVerifies(bundle, digest, keys)) return true;
    }
  }
  return false;
}

/** pae is DSSE's pre-authentication encoding. */
function pae(type: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${payload.length} `), payload]);
}

function bundleVerifies(bundle: Bundle, digest: string, keys: KeyObject[]): boolean {
  const hex = digest.split(':')[1] ?? '';
  const env = bundle.dsseEnvelope;
  if (env?.payload && env.payloadType) {
    const payload = Buffer.from(env.payload, 'base64');
    const signed = (env.signatures ?? []).some(
      (s) => s.sig && verifies(keys, pae(env.payloadType ?? '', payload), Buffer.from(s.sig, 'base64')),
    );
    if (!signed) return false;
    try {
      const statement = JSON.parse(payload.toString('utf8')) as { subject?: { digest?: Record<string, string> }[] };
      return (statement.subject ?? []).some((s) => s.digest?.['sha256'] === hex);
    } catch {
      return false;
    }
  }
  const ms = bundle.messageSignature;
  if (ms?.signature && ms.messageDigest?.digest) {
    // A message signature signs a payload whose digest is recorded; cosign signs the simple-signing payload of
    // the image, so the payload itself is not in the bundle: only a signature over the artifact digest counts.
    return false;
  }
  return false;
}
