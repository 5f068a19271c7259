// A HelmRelease's Helm release name (helm-controller `GetReleaseName` + `release.ShortenName`).
import { createHash } from 'node:crypto';

/** MAX_RELEASE_NAME is Helm's limit on release names. */
const MAX_RELEASE_NAME = 53;

/**
 * shortenName keeps names of up to 53 characters; a longer one becomes its first 40 characters, `-` and the first
 * 12 hex digits of its sha256, e.g. `some-front-appended-namespace-release-wi-1234567890ab`.
 */
export function shortenName(name: string): string {
  if (name.length <= MAX_RELEASE_NAME) return name;
  const sum = createHash('sha256').update(name).digest('hex');
  return `${name.slice(0, MAX_RELEASE_NAME - 13)}-${sum.slice(0, 12)}`;
}

/** releaseName is `spec.releaseName`, else `[<targetNamespace>-]<name>`, shortened when longer than 53. */
export function releaseName(hr: {
  metadata: { name?: string };
  spec: { releaseName?: string; targetNamespace?: string };
}): string {
  if (hr.spec.releaseName) return hr.spec.releaseName;
  const name = hr.metadata.name ?? '';
  return shortenName(hr.spec.targetNamespace ? `${hr.spec.targetNamespace}-${name}` : name);
}
