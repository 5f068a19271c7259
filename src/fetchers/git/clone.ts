import { mkdir, readdir, rm } from 'node:fs/promises';
import type { GitCredentials, GitProxy } from './credentials.ts';
import { GitError, GitOperationError, GitRefNotFoundError } from './errors.ts';
import { commitSubject, parseCommitObject, parseTagObject, type SignedObject } from './objects.ts';
import { formatRevision, lsRemotePatterns, parseLsRemote, resolveTarget, type GitReference } from './refs.ts';
import { runGit } from './run.ts';
import { openSession, type GitSession } from './session.ts';

/** CloneOptions is one fetch of a GitRepository. */
export interface CloneOptions {
  url: string;
  /** dir receives the checkout; it must be absent or empty. */
  dir: string;
  ref?: GitReference;
  credentials?: GitCredentials;
  proxy?: GitProxy;
  /** lastRevision is the revision of the artifact in storage: when the remote still matches, nothing is cloned. */
  lastRevision?: string;
  recurseSubmodules?: boolean;
  /** sparseCheckout lists directories to check out (a leading `./` is trimmed). */
  sparseCheckout?: string[];
  /** timeoutMs bounds the whole operation (`spec.timeout`, default 60 s). */
  timeoutMs?: number;
}

/** CloneResult is either a checkout or the news that the remote revision has not changed. */
export type CloneResult =
  | { kind: 'unchanged'; revision: string; commit: string }
  | {
      kind: 'cloned';
      /** revision is Flux's revision string: `main@sha1:<hex>`, `v1.2.3@sha1:<hex>`, `sha1:<hex>`. */
      revision: string;
      commit: string;
      /** refName is the short ref (`main`, `v1.2.3`) or full `ref.name`; empty for a bare commit. */
      refName: string;
      /** subject is the first line of the commit message. */
      subject: string;
      commitObject: SignedObject;
      /** tagObject is the annotated tag the checkout came from, when there is one. */
      tagObject: SignedObject | undefined;
    };

/**
 * cloneRepository makes a shallow checkout of one reference with the git CLI: `ls-remote` first (and return
 * "unchanged" when it matches lastRevision), then init + depth-1 fetch + detached checkout, optionally sparse
 * and with submodules. Errors are classified GitErrors with secrets redacted.
 * @example const r = await cloneRepository({ url, dir, ref: { branch: 'main' }, credentials, lastRevision })
 */
export async function cloneRepository(opts: CloneOptions): Promise<CloneResult> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const ref = opts.ref ?? { branch: 'master' };
  const session = await openSession(opts.url, opts.credentials, opts.proxy);
  try {
    const subject = `git repository ${session.displayUrl}`;
    const patterns = lsRemotePatterns(ref);
    const refs =
      patterns === undefined
        ? undefined
        : parseLsRemote(await runGit(session, ['ls-remote', '--', session.url, ...patterns], { deadline, subject }));
    const target = resolveTarget(subject, ref, refs);
    const revision = formatRevision(target.refName, target.commit);
    if (opts.lastRevision !== undefined && opts.lastRevision === revision) {
      return { kind: 'unchanged', revision, commit: target.commit };
    }
    await prepareDir(opts.dir);
    try {
      return await checkout(session, subject, opts, ref, target, deadline);
    } catch (err) {
      await rm(opts.dir, { recursive: true, force: true });
      throw err;
    }
  } finally {
    await session.dispose();
  }
}

async function checkout(
  session: GitSession,
  subject: string,
  opts: CloneOptions,
  ref: GitReference,
  target: ReturnType<typeof resolveTarget>,
  deadline: number,
): Promise<CloneResult> {
  const git = (args: string[]): Promise<string> => runGit(session, args, { cwd: opts.dir, deadline, subject });
  await git(['init', '-q', '.']);
  // A named remote (URL without secrets) so partial fetches can record it as their promisor.
  await git(['remote', 'add', 'origin', session.url]);
  if (opts.sparseCheckout !== undefined && opts.sparseCheckout.length > 0) {
    const dirs = opts.sparseCheckout.map((d) => `/${d.replace(/^\.\//u, '').replace(/^\/+|\/+$/gu, '')}/`);
    await git(['sparse-checkout', 'set', '--no-cone', '--', ...dirs]);
  }
  const local = 'refs/fluxts/target';
  if (target.fetchRef !== undefined) {
    await git(['fetch', '-q', '--depth=1', '--no-tags', 'origin', `+${target.fetchRef}:${local}`]);
  } else {
    if (ref.branch !== undefined) await checkCommitInBranch(git, subject, ref.branch, target.commit);
    await git(['fetch', '-q', '--depth=1', '--no-tags', 'origin', `+${target.commit}:${local}`]).catch(
      (err: unknown) => {
        throw err instanceof GitError && err.kind !== 'operation' && err.kind !== 'ref-not-found'
          ? err
          : new GitRefNotFoundError(`${subject}: commit '${target.commit}' not found`, { cause: err });
      },
    );
  }
  const commit = (await git(['rev-parse', '--verify', `${local}^{commit}`])).trim();
  await git(['checkout', '-q', '--detach', commit]);
  if (opts.recurseSubmodules === true) {
    await git(['submodule', '-q', 'update', '--init', '--recursive', '--depth=1']);
  }
  const rawCommit = await git(['cat-file', 'commit', commit]);
  let tagObject: SignedObject | undefined;
  if ((await git(['cat-file', '-t', local])).trim() === 'tag')
    tagObject = parseTagObject(await git(['cat-file', 'tag', local]));
  // The ref may have moved between ls-remote and fetch: the fetched commit is the truth.
  return {
    kind: 'cloned',
    revision: formatRevision(target.refName, commit),
    commit,
    refName: target.refName,
    subject: commitSubject(rawCommit),
    commitObject: parseCommitObject(rawCommit),
    tagObject,
  };
}

// ref.commit with ref.branch: the commit must be reachable from the branch, as in Flux. A blob-less fetch of the
// branch history is enough to check ancestry.
async function checkCommitInBranch(
  git: (args: string[]) => Promise<string>,
  subject: string,
  branch: string,
  commit: string,
): Promise<void> {
  await git(['fetch', '-q', '--filter=blob:none', '--no-tags', 'origin', `+refs/heads/${branch}:refs/fluxts/branch`]);
  try {
    await git(['merge-base', '--is-ancestor', commit, 'refs/fluxts/branch']);
  } catch (cause) {
    throw new GitRefNotFoundError(`${subject}: commit '${commit}' is not in branch '${branch}'`, { cause });
  }
}

async function prepareDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0) throw new GitOperationError(`clone directory ${dir} is not empty`);
}
