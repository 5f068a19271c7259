// Public surface of fetchers/bucket: object-storage clients for Bucket sources and the provider-independent fetch.
export type { BucketClient, ObjectVisitor, ProxyOptions, TlsOptions } from './client.ts';
export { BucketError, isNotFound, type BucketErrorKind } from './errors.ts';
export { indexDigest, sortedKeys, compareBytes, type EtagIndex } from './digest.ts';
export { localPath, unsafeKeyReason } from './keys.ts';
export { GcsClient, parseServiceAccountKey, type GcsOptions, type ServiceAccountKey } from './gcs.ts';
export { S3Client, parseEndpoint, decodeS3Url, type S3Options } from './s3.ts';
export {
  fetchEtagIndex,
  fetchIndexFiles,
  MAX_CONCURRENT_FETCHES,
  type IndexOptions,
  type DownloadOptions,
} from './sync.ts';
export { parseXml, decodeEntities, XmlError, type XmlElement } from './xml.ts';
export { AzureBlobClient, parseAzureEndpoint, AZURE_STORAGE_VERSION, type AzureOptions } from './azure.ts';
export {
  azureCredentialFromSecret,
  accountNameFromEndpoint,
  sharedKeyAuthorization,
  type AzureCredential,
  type SignableRequest,
} from './azure-auth.ts';
export { EntraTokenSource, DEFAULT_AUTHORITY_HOST } from './azure-token.ts';
export { requestToken, type AccessToken } from './oauth.ts';
