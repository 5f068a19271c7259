// Public surface of artifact storage: producing, serving and consuming Flux source artifacts.
export type { Artifact } from './types.ts';
export { ArtifactStorage, type StorageOptions, type ObjectKey } from './storage.ts';
export { packDirectory, type PackFilter, type PackResult } from './pack.ts';
export { gzipMember, tarGz, type TarFile, type TarGzOptions } from './tar-gz.ts';
export { buildArtifactLayer, DEFAULT_PUSH_IGNORE } from './build-layer.ts';
export { garbageCollect, type RetentionPolicy } from './retention.ts';
export { serveStorage, type StorageServer } from './server.ts';
export { fetchArtifact, type FetchOptions, type FetchedArtifact } from './fetch.ts';
export { extractTarGz, type ExtractOptions } from './extract.ts';
export { digestOf, parseDigest } from './digest.ts';
export { sourceIgnoreFilter, diskIgnoreFs } from './ignore-filter.ts';
export {
  ArtifactStorageError,
  ArtifactFetchError,
  ArtifactDigestMismatchError,
  ArtifactTooLargeError,
  UnsafeArchiveError,
  MalformedArchiveError,
  type UnsafeArchiveReason,
} from './errors.ts';
