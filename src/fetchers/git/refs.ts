import { latestInRange, parseConstraint, type SemverConstraints } from '../../engines/semver-range/index.ts';
import { errorMessage } from '../../util/errors.ts';
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
    let range: SemverConstraints;
    try {
      range = parseConstraint(ref.semver);
    } catch (err) {
      throw new GitRefNotFoundError(`${subject}: semver parse error: ${errorMessage(err)}`, { cause: err });
    }
    const best = bestSemverTag(range, [...(refs?.keys() ?? [])]);
    if (best === undefined) throw new GitRefNotFoundError(`${subject}: no match found for semver: ${ref.semver}`);
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
 * bestSemverTag returns the highest tag (name without `refs/tags/`) satisfying the range, reading tags as Flux does
 * (fluxcd/pkg/version: strict SemVer, optional `v`; `v1.5` is not a version). Flux breaks ties between equal
 * versions (build metadata) by the tagged commit's time, which ls-remote does not give: here the first tag wins.
 */
export function bestSemverTag(range: SemverConstraints | string, refNames: string[]): string | undefined {
  const tags = refNames
    .filter((r) => r.startsWith('refs/tags/') && !r.endsWith('^{}'))
    .map((r) => r.slice('refs/tags/'.length));
  return latestInRange(tags, range);
}

/** formatRevision renders Flux's revision string: `<name>@sha1:<hex>`, or `sha1:<hex>` without a name. */
export function formatRevision(refName: string, commit: string): string {
  const algo = commit.length === 64 ? 'sha256' : 'sha1';
  return refName === '' ? `${algo}:${commit}` : `${refName}@${algo}:${commit}`;
}
