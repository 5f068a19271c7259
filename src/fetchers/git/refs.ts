import semver from 'semver';
import { GitRefNotFoundError } from './errors.ts';

/** GitReference is a GitRepository's `spec.ref`; precedence commit > name > semver > tag > branch. */
export interface GitReference {
  branch?: string;
  tag?: string;
  semver?: string;
  name?: string;
  commit?: string;
}

/** RemoteRefs maps ref names to object ids as ls-remote reports them (peeled tags under `<ref>^{}`). */
export type RemoteRefs = Map<string, string>;

/** parseLsRemote parses `git ls-remote` output. */
export function parseLsRemote(out: string): RemoteRefs {
  const refs: RemoteRefs = new Map();
  for (const line of out.split('\n')) {
    const [sha, ref] = line.split('\t');
    if (sha !== undefined && ref !== undefined && /^[0-9a-f]{40,64}$/u.test(sha)) refs.set(ref, sha);
  }
  return refs;
}

/** Target is what to fetch: the remote ref (if any), the commit it resolves to, and the revision's name part. */
export interface Target {
  /** fetchRef is the full ref to fetch, or undefined to fetch `commit` by id. */
  fetchRef: string | undefined;
  commit: string;
  /** refName is the revision's name (`main`, `v1.2.3`, `refs/pull/1/head`), empty for a bare commit. */
  refName: string;
}

/** lsRemotePatterns returns the ls-remote patterns a reference needs (undefined: no ls-remote needed). */
export function lsRemotePatterns(ref: GitReference): string[] | undefined {
  if (ref.commit !== undefined) return ref.branch !== undefined ? [`refs/heads/${ref.branch}`] : undefined;
  if (ref.name !== undefined) return [ref.name, `${ref.name}^{}`];
  if (ref.semver !== undefined) return ['refs/tags/*'];
  if (ref.tag !== undefined) return [`refs/tags/${ref.tag}`, `refs/tags/${ref.tag}^{}`];
  return [`refs/heads/${ref.branch ?? 'master'}`];
}

/**
 * resolveTarget picks the commit a reference designates from the remote's refs, or throws GitRefNotFoundError.
 * Revisions follow Flux: branch and tag names short, `ref.name` as given, commit alone with no name.
 */
export function resolveTarget(subject: string, ref: GitReference, refs: RemoteRefs | undefined): Target {
  const peeled = (r: string): string | undefined => refs?.get(`${r}^{}`) ?? refs?.get(r);
  if (ref.commit !== undefined) {
    if (!/^[0-9a-f]{40}$/u.test(ref.commit)) {
      throw new GitRefNotFoundError(`${subject}: commit '${ref.commit}' is not a full 40-character SHA-1`);
    }
    if (ref.branch !== undefined && refs?.get(`refs/heads/${ref.branch}`) === undefined) {
      throw new GitRefNotFoundError(`${subject}: branch '${ref.branch}' not found`);
    }
    return { fetchRef: undefined, commit: ref.commit, refName: ref.branch ?? '' };
  }
  if (ref.name !== undefined) {
    const c = peeled(ref.name);
    if (c === undefined) throw new GitRefNotFoundError(`${subject}: reference '${ref.name}' not found`);
    return { fetchRef: ref.name, commit: c, refName: ref.name };
  }
  if (ref.semver !== undefined) {
    const best = bestSemverTag(ref.semver, [...(refs?.keys() ?? [])]);
    if (best === undefined) {
      throw new GitRefNotFoundError(`${subject}: no tag matches the semver range '${ref.semver}'`);
    }
    const full = `refs/tags/${best}`;
    return { fetchRef: full, commit: peeled(full) as string, refName: best };
  }
  if (ref.tag !== undefined) {
    const full = `refs/tags/${ref.tag}`;
    const c = peeled(full);
    if (c === undefined) throw new GitRefNotFoundError(`${subject}: tag '${ref.tag}' not found`);
    return { fetchRef: full, commit: c, refName: ref.tag };
  }
  const branch = ref.branch ?? 'master';
  const c = refs?.get(`refs/heads/${branch}`);
  if (c === undefined) throw new GitRefNotFoundError(`${subject}: branch '${branch}' not found`);
  return { fetchRef: `refs/heads/${branch}`, commit: c, refName: branch };
}

/**
 * bestSemverTag returns the highest tag (name without `refs/tags/`) satisfying the range, parsing tags like
 * Masterminds/semver does: optional `v`, missing minor/patch as 0; pre-releases only when the range asks.
 * Commas in the range mean AND (Masterminds syntax).
 */
export function bestSemverTag(range: string, refNames: string[]): string | undefined {
  const r = semver.validRange(range.replace(/,/gu, ' '));
  if (r === null) return undefined;
  let best: { tag: string; v: semver.SemVer } | undefined;
  for (const ref of refNames) {
    if (!ref.startsWith('refs/tags/') || ref.endsWith('^{}')) continue;
    const tag = ref.slice('refs/tags/'.length);
    const v = parseTagVersion(tag);
    if (v === undefined || !semver.satisfies(v, r)) continue;
    if (best === undefined || semver.gt(v, best.v)) best = { tag, v };
  }
  return best?.tag;
}

function parseTagVersion(tag: string): semver.SemVer | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/u.exec(tag);
  if (m === null) return undefined;
  return semver.parse(`${m[1]}.${m[2] ?? '0'}.${m[3] ?? '0'}${m[4] ?? ''}${m[5] ?? ''}`) ?? undefined;
}

/** formatRevision renders Flux's revision string: `<name>@sha1:<hex>`, or `sha1:<hex>` without a name. */
export function formatRevision(refName: string, commit: string): string {
  const algo = commit.length === 64 ? 'sha256' : 'sha1';
  return refName === '' ? `${algo}:${commit}` : `${refName}@${algo}:${commit}`;
}
