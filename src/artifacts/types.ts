/**
 * Artifact is the `status.artifact` object of Flux sources (fluxcd/pkg `apis/meta` Artifact): where the file
 * is (`path` relative to the storage root, `url` to fetch it), what it holds (`revision`), and how to check
 * it (`digest` of the stored bytes, `size`).
 */
export interface Artifact {
  path: string;
  url: string;
  revision: string;
  digest?: string;
  /** lastUpdateTime is an RFC 3339 timestamp of when the file was written. */
  lastUpdateTime: string;
  size?: number;
  metadata?: Record<string, string>;
}
