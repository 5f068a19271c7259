// Repository URLs as Helm and source-controller build them.
import { HelmRepositoryError } from './errors.ts';
import { redactUrl } from './http.ts';

function parse(text: string): URL {
  try {
    return new URL(text);
  } catch (cause) {
    throw new HelmRepositoryError('invalid-url', `parse ${JSON.stringify(redactUrl(text))}: invalid URL`, { cause });
  }
}

/** normalizeURL is source-controller's NormalizeURL for HTTP repositories: one trailing slash on the path. */
export function normalizeURL(repositoryUrl: string): string {
  const u = parse(repositoryUrl);
  u.pathname = `${u.pathname.replace(/\/+$/u, '')}/`;
  return u.toString();
}

/** indexURL is where a repository's index lives: `index.yaml` joined to the URL's path, query kept. */
export function indexURL(repositoryUrl: string): string {
  const u = parse(repositoryUrl);
  u.pathname = `${u.pathname.replace(/\/+$/u, '')}/index.yaml`;
  return u.toString();
}

/**
 * resolveReferenceURL is Helm's repo.ResolveReferenceURL: an absolute chart URL as is, a relative one resolved
 * against the repository URL (as a directory), the repository's query kept.
 */
export function resolveReferenceURL(repositoryUrl: string, ref: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/u.test(ref)) return ref;
  const base = parse(repositoryUrl);
  base.pathname = `${base.pathname.replace(/\/+$/u, '')}/`;
  const query = base.search;
  const resolved = new URL(ref, base);
  resolved.search = query;
  return resolved.toString();
}
