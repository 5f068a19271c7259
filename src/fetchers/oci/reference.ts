// Registry references: `oci://host[:port]/repo[:tag|@digest]` addresses (Flux) and plain image references
// (`alpine`, `ghcr.io/org/app:v1`) with Docker Hub's defaults.
import { OCIError } from './errors.ts';

/** Reference names one repository of one registry, optionally one tag and/or digest in it. */
export interface Reference {
  /** registry is `host[:port]` as written, except Docker Hub's aliases, which become `index.docker.io`. */
  registry: string;
  /** repository is the path inside the registry, e.g. `org/app` (`library/alpine` on Docker Hub). */
  repository: string;
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB = 'index.docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/u;
const TAG = /^\w[\w.-]{0,127}$/u;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/u;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::\d{1,5})?$/u;

/** isValidTag checks a tag against the distribution spec's grammar. */
export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** isValidDigest checks `<algorithm>:<encoded>`, and the hex length of sha256 and sha512 digests. */
export function isValidDigest(digest: string): boolean {
  if (!DIGEST.test(digest)) return false;
  const [algo, hex = ''] = digest.split(':');
  if (algo === 'sha256') return /^[a-f0-9]{64}$/u.test(hex);
  if (algo === 'sha512') return /^[a-f0-9]{128}$/u.test(hex);
  return true;
}

function invalid(input: string, why: string): OCIError {
  return new OCIError('invalid-reference', `invalid OCI reference '${input}': ${why}`);
}

/**
 * parseReference parses an image reference: `[host[:port]/]path[:tag][@digest]`. Without a host (the first
 * component has no `.` or `:` and is not `localhost`), Docker Hub is meant and a single-component path gets the
 * `library/` prefix, as Docker does.
 * @example parseReference('ghcr.io/org/app:v1') // {registry:'ghcr.io', repository:'org/app', tag:'v1'}
 */
export function parseReference(input: string): Reference {
  let rest = input.trim();
  if (rest === '') throw invalid(input, 'empty');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isValidDigest(digest)) throw invalid(input, `'${digest}' is not a valid digest`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isValidTag(tag)) throw invalid(input, `'${tag}' is not a valid tag`);
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = parts.shift() ?? '';
    if (!HOST.test(registry)) throw invalid(input, `'${registry}' is not a valid registry host`);
    if (DOCKER_HUB_ALIASES.has(registry)) registry = DOCKER_HUB;
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  for (const c of parts) {
    if (!COMPONENT.test(c))
      throw invalid(input, `repository component '${c}' must be lowercase letters, digits and separators`);
  }
  return {
    registry,
    repository: parts.join('/'),
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/**
 * parseOCIUrl parses Flux's `oci://host[:port]/repo[:tag|@digest]` address. Unlike image references the host is
 * required; `allowRef: false` (OCIRepository's `spec.url`) refuses a tag or digest in the address.
 * @example parseOCIUrl('oci://127.0.0.1:5000/app/manifests:v1', { allowRef: true })
 */
export function parseOCIUrl(url: string, opts: { allowRef?: boolean } = {}): Reference {
  if (!url.startsWith('oci://'))
    throw new OCIError('invalid-reference', `URL must be in format 'oci://<domain>/<org>/<repo>': '${url}'`);
  const body = url.slice('oci://'.length);
  if (!body.includes('/'))
    throw new OCIError('invalid-reference', `URL must be in format 'oci://<domain>/<org>/<repo>': '${url}'`);
  const ref = parseReference(body);
  if (ref.registry === DOCKER_HUB && !/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//u.test(body)) {
    // `oci://org/repo`: the first component is not a host, so nothing names a registry.
    throw new OCIError('invalid-reference', `URL must be in format 'oci://<domain>/<org>/<repo>': '${url}'`);
  }
  if (!opts.allowRef && (ref.tag !== undefined || ref.digest !== undefined)) {
    throw new OCIError('invalid-reference', `URL '${url}' must not contain a tag or digest: set spec.ref instead`);
  }
  return ref;
}

/** formatReference renders `registry/repository[:tag][@digest]`. */
export function formatReference(ref: Reference): string {
  return `${ref.registry}/${ref.repository}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}

/**
 * isLocalRegistry is true for hosts that Go's container registry client lets fall back to plain HTTP without
 * being told: localhost, loopback addresses, `*.local` and RFC 1918 private addresses.
 */
export function isLocalRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/u, '').replace(/^\[|\]$/gu, '');
  if (host === 'localhost' || host.endsWith('.local') || host === '::1') return true;
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/u.exec(host);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}
