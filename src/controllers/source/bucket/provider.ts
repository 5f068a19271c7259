// The object-storage client of one Bucket (source-controller `setupCredentials` + `createBucketProvider`): Secrets
// read and checked first (a missing one, or `accesskey`/`secretkey` incomplete, is AuthenticationFailed), then the
// provider's client: S3 (generic, aws), GCS (gcp) or Azure Blob (azure). What fluxts cannot serve yet is said plainly
// and stalls until the spec changes: AWS credentials from the environment (IRSA, instance roles), STS, Azure managed
// identity, and object-level workload identity (Flux's own answer when its feature gate is off).
import type { Bucket } from '../../../api/index.ts';
import { Reason, SourceConditionType, SourceReason } from '../../../api/index.ts';
import {
  type AzureCredential,
  azureCredentialFromSecret,
  AzureBlobClient,
  type BucketClient,
  GcsClient,
  parseAzureEndpoint,
  parseServiceAccountKey,
  S3Client,
} from '../../../fetchers/bucket/index.ts';
import type { ProxyOptions, TlsOptions } from '../../../fetchers/oci/index.ts';
import type { KubeClient } from '../../../kube/index.ts';
import { asStepError, StepError } from '../../../runtime/index.ts';
import { readSecretData } from '../secrets.ts';
import { proxyFromSecret, tlsFromSecret } from '../ocirepository/registry.ts';

const text = (v: Uint8Array | undefined): string | undefined =>
  v === undefined ? undefined : Buffer.from(v).toString('utf8');

const stall = (reason: string, message: string): StepError =>
  new StepError(reason, message, { terminal: true, condition: SourceConditionType.FetchFailed });

interface Credentials {
  secret?: { name: string; data: Record<string, Uint8Array> };
  tls?: TlsOptions;
  proxy?: ProxyOptions;
}

/** readCredentials reads secretRef, certSecretRef and proxySecretRef; any failure is AuthenticationFailed. */
async function readCredentials(client: KubeClient, obj: Bucket): Promise<Credentials> {
  const ns = obj.metadata.namespace ?? '';
  const out: Credentials = {};
  try {
    if (obj.spec.secretRef) {
      const name = obj.spec.secretRef.name;
      out.secret = { name, data: await readSecretData(client, ns, name, 'spec.secretRef') };
    }
    if (obj.spec.proxySecretRef) {
      const name = obj.spec.proxySecretRef.name;
      const data = await readSecretData(client, ns, name, 'spec.proxySecretRef');
      out.proxy = proxyFromSecret(`${ns}/${name}`, data);
    }
    if (obj.spec.certSecretRef) {
      const name = obj.spec.certSecretRef.name;
      const data = await readSecretData(client, ns, name, 'spec.certSecretRef');
      out.tls = tlsFromSecret(`${ns}/${name}`, data);
    }
  } catch (err) {
    throw asStepError(err, SourceReason.AuthenticationFailed, { condition: SourceConditionType.FetchFailed });
  }
  return out;
}

/**
 * bucketClientFor returns the client for the Bucket's provider, or throws the StepError Flux records: a stall for
 * what cannot work until the spec changes, AuthenticationFailed for unusable credentials.
 */
export async function bucketClientFor(client: KubeClient, obj: Bucket): Promise<BucketClient> {
  const provider = obj.spec.provider ?? 'generic';
  if (provider !== 'generic' && obj.spec.serviceAccountName) {
    throw stall(
      Reason.FeatureGateDisabled,
      'to use spec.serviceAccountName for provider authentication please enable the ObjectLevelWorkloadIdentity feature gate in the controller',
    );
  }
  const creds = await readCredentials(client, obj);
  if (provider === 'azure') return azureClient(obj, creds);
  if (provider === 'gcp') return gcsClient(obj, creds);
  if (obj.spec.sts) {
    throw stall(
      SourceReason.InvalidSTSConfiguration,
      `spec.sts (provider '${obj.spec.sts.provider}') is not supported by fluxts yet: use static credentials in spec.secretRef`,
    );
  }
  let credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  if (creds.secret) {
    const accessKeyId = text(creds.secret.data['accesskey']);
    const secretAccessKey = text(creds.secret.data['secretkey']);
    if (accessKeyId === undefined || secretAccessKey === undefined) {
      throw new StepError(
        SourceReason.AuthenticationFailed,
        `invalid '${creds.secret.name}' secret data: required fields 'accesskey' and 'secretkey'`,
        { condition: SourceConditionType.FetchFailed },
      );
    }
    // Like minio-go, empty values mean anonymous access.
    if (accessKeyId !== '' && secretAccessKey !== '') credentials = { accessKeyId, secretAccessKey };
  } else if (provider === 'aws') {
    throw stall(
      SourceReason.InvalidProviderConfiguration,
      "provider 'aws' without spec.secretRef needs AWS credentials from the environment (IRSA, instance roles), which fluxts does not support yet: set spec.secretRef with 'accesskey' and 'secretkey'",
    );
  }
  try {
    return new S3Client({
      endpoint: obj.spec.endpoint,
      bucket: obj.spec.bucketName,
      ...(obj.spec.region ? { region: obj.spec.region } : {}),
      insecure: obj.spec.insecure ?? false,
      ...(credentials ? { credentials } : {}),
      ...(creds.tls ? { tls: creds.tls } : {}),
      ...(creds.proxy ? { proxy: creds.proxy } : {}),
    });
  } catch (err) {
    throw asStepError(err, SourceReason.URLInvalid, { terminal: true, condition: SourceConditionType.FetchFailed });
  }
}

/**
 * gcsClient is the `gcp` provider: a service-account key from `serviceaccount` in spec.secretRef, or anonymous
 * requests without one (public buckets, emulators; fluxts has no GCP workload identity).
 */
function gcsClient(obj: Bucket, creds: Credentials): BucketClient {
  let key;
  if (creds.secret) {
    const raw = text(creds.secret.data['serviceaccount']);
    if (raw === undefined) {
      throw new StepError(
        SourceReason.AuthenticationFailed,
        `invalid '${creds.secret.name}' secret data: required fields 'serviceaccount'`,
        { condition: SourceConditionType.FetchFailed },
      );
    }
    try {
      key = parseServiceAccountKey(creds.secret.name, raw);
    } catch (err) {
      throw asStepError(err, SourceReason.AuthenticationFailed, { condition: SourceConditionType.FetchFailed });
    }
  }
  try {
    return new GcsClient({
      endpoint: obj.spec.endpoint,
      bucket: obj.spec.bucketName,
      insecure: obj.spec.insecure ?? false,
      ...(key ? { key } : {}),
      ...(creds.proxy ? { proxy: creds.proxy } : {}),
    });
  } catch (err) {
    throw asStepError(err, SourceReason.URLInvalid, { terminal: true, condition: SourceConditionType.FetchFailed });
  }
}

/**
 * azureClient is the `azure` provider: Entra ID client secret or certificate, Shared Key (`accountKey`) or SAS
 * (`sasKey`) from spec.secretRef in source-controller's order, or anonymous requests without a Secret (public
 * containers, emulators; Flux would try the controller's workload identity there, which fluxts does not have).
 * Beyond Flux, certSecretRef's CA is trusted for the storage and token endpoints (Azure Stack, emulators).
 */
function azureClient(obj: Bucket, creds: Credentials): BucketClient {
  let endpoint: URL;
  try {
    endpoint = parseAzureEndpoint(obj.spec.endpoint, obj.spec.insecure ?? false);
  } catch (err) {
    throw asStepError(err, SourceReason.URLInvalid, { terminal: true, condition: SourceConditionType.FetchFailed });
  }
  let credential: AzureCredential | undefined;
  if (creds.secret) {
    try {
      credential = azureCredentialFromSecret(creds.secret.name, creds.secret.data, endpoint);
    } catch (err) {
      throw asStepError(err, SourceReason.AuthenticationFailed, { condition: SourceConditionType.FetchFailed });
    }
    if (credential?.type === 'managed-identity') {
      throw stall(
        SourceReason.InvalidProviderConfiguration,
        `Azure managed identity ('${creds.secret.name}' has 'clientId' without 'tenantId') needs the Azure Instance Metadata Service, which fluxts does not support yet: use 'accountKey', 'sasKey', or 'tenantId' with 'clientId' and 'clientSecret' or 'clientCertificate'`,
      );
    }
  }
  try {
    return new AzureBlobClient({
      endpoint: endpoint.toString(),
      container: obj.spec.bucketName,
      ...(credential ? { credential } : {}),
      ...(creds.secret ? { secretName: creds.secret.name } : {}),
      ...(creds.tls ? { tls: creds.tls } : {}),
      ...(creds.proxy ? { proxy: creds.proxy } : {}),
    });
  } catch (err) {
    throw asStepError(err, SourceReason.AuthenticationFailed, { condition: SourceConditionType.FetchFailed });
  }
}
