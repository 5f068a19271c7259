// Public surface of the OCI distribution client (see README.md).
export {
  RegistryClient,
  digestOf,
  nextLink,
  referrersTag,
  MAX_MANIFEST_BYTES,
  type RegistryClientOptions,
  type OpOptions,
  type FetchedManifest,
} from './client.ts';
export { OCIError, isOCIError, type OCIErrorKind, type RegistryErrorDetail } from './errors.ts';
export {
  anonymous,
  staticKeychain,
  DockerConfigKeychain,
  keychainFromSecrets,
  dockerConfigJson,
  type Keychain,
  type RegistryCredentials,
} from './keychain.ts';
export {
  parseManifest,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  type Manifest,
  type Platform,
} from './manifest.ts';
export { MediaType, MANIFEST_ACCEPT, isIndexMediaType, isManifestMediaType } from './media-types.ts';
export {
  parseReference,
  parseOCIUrl,
  formatReference,
  isValidTag,
  isValidDigest,
  isLocalRegistry,
  DOCKER_HUB,
  type Reference,
} from './reference.ts';
export { parseChallenge, type Challenge } from './auth.ts';
export type { TlsOptions, ProxyOptions, HttpRequest, HttpResponse, HttpOptions } from './transport.ts';
// The keep-alive transport (TLS material, proxies, network errors classified) is shared with fetchers/bucket.
export { HttpClient, classifyNetworkError, readBody } from './transport.ts';
export {
  Annotation,
  pushFluxArtifact,
  fetchFluxManifest,
  selectLayer,
  type PackedLayer,
  type PushMetadata,
  type PushedArtifact,
  type PulledManifest,
} from './flux-artifact.ts';
