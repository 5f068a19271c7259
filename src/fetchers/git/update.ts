// Writing back to a repository, for image-automation-controller: a checkout on the push branch (created from the
// checkout ref when the remote has no such branch), a commit of everything changed, and a push to the branch and
// an optional refspec with push options. A push the remote rejects because the branch moved is a
// GitPushRejectedError, so the caller can fetch, re-apply its change and try again.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { cloneRepository, type CloneOptions } from './clone.ts';
import { GitError, GitOperationError } from './errors.ts';
import type { GitReference } from './refs.ts';
import { runGit } from './run.ts';
import { openSession, type GitSession } from './session.ts';
import { withSignature, type CommitSigner } from './sign.ts';

/** GitPushRejectedError: the remote refused the push because its branch moved (non-fast-forward). */
export class GitPushRejectedError extends GitOperationError {}

/** UpdateCheckoutOptions: where to clone from and which branch the commits go to. */
export interface UpdateCheckoutOptions extends Omit<CloneOptions, 'ref' | 'lastRevision' | 'recurseSubmodules'> {
  checkoutRef: GitReference;
  /** pushBranch is the branch commits are made on; the checkout branch when it is the same. */
  pushBranch: string;
  /**
   * freshPushBranch starts a push branch that differs from the checkout anew at the checkout, ignoring its remote
   * tip (the pull-request mode, when no pull request of that branch is open); the push then replaces it.
   */
  freshPushBranch?: boolean;
}

/** CommitAuthor is the identity (and time) of a commit; it is also the committer, as in Flux. */
export interface CommitAuthor {
  name: string;
  email: string;
  date: Date;
}

/** PushOptions: an additional refspec and `git push -o` options. */
export interface PushOptions {
  refspec?: string;
  options?: Record<string, string>;
  /** force pushes the branch even when it is not a fast-forward (Flux's GitForcePushBranch, for switched branches). */
  force?: boolean;
}

/**
 * UpdateCheckout is a working tree of one repository on its push branch. Always close() it.
 * @example
 *   const wt = await UpdateCheckout.open({ url, dir, credentials, checkoutRef: { branch: 'main' }, pushBranch: 'main' });
 *   // …edit files under wt.dir…
 *   const sha = await wt.commitAll({ name, email, date: new Date() }, message);
 *   if (sha) await wt.push();
 */
export class UpdateCheckout {
  readonly dir: string;
  /** revision is what was checked out (`main@sha1:<hex>`), commit its hash. */
  readonly revision: string;
  readonly commit: string;
  /** switched: the push branch differs from the checkout branch. */
  readonly switched: boolean;
  readonly pushBranch: string;
  readonly #session: GitSession;
  readonly #deadline: number;
  readonly #subject: string;
  /** #base is the remote tip of the push branch the working tree starts from (undefined: a new branch). */
  #base: string | undefined;

  private constructor(init: {
    dir: string;
    revision: string;
    commit: string;
    switched: boolean;
    pushBranch: string;
    session: GitSession;
    deadline: number;
  }) {
    this.dir = init.dir;
    this.revision = init.revision;
    this.commit = init.commit;
    this.switched = init.switched;
    this.pushBranch = init.pushBranch;
    this.#session = init.session;
    this.#deadline = init.deadline;
    this.#subject = `git repository ${init.session.displayUrl}`;
  }

  /** open clones the checkout ref and switches to the push branch (its remote tip when it exists). */
  static async open(opts: UpdateCheckoutOptions): Promise<UpdateCheckout> {
    const wt = await UpdateCheckout.openIfChanged(opts, undefined);
    if (wt === 'unchanged') throw new GitOperationError('unexpected unchanged checkout');
    return wt;
  }

  /**
   * openIfChanged is open, unless the remote checkout ref still points at `lastRevision` (Flux's "last observed
   * commit" optimisation): then nothing is cloned and it returns 'unchanged'.
   */
  static async openIfChanged(
    opts: UpdateCheckoutOptions,
    lastRevision: string | undefined,
  ): Promise<UpdateCheckout | 'unchanged'> {
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    const cloned = await cloneRepository({
      ...opts,
      ref: opts.checkoutRef,
      ...(lastRevision ? { lastRevision } : {}),
    });
    if (cloned.kind !== 'cloned') return 'unchanged';
    const session = await openSession(opts.url, opts.credentials, opts.proxy);
    try {
      const switched = opts.checkoutRef.branch !== opts.pushBranch;
      const wt = new UpdateCheckout({
        dir: opts.dir,
        revision: cloned.revision,
        commit: cloned.commit,
        switched,
        pushBranch: opts.pushBranch,
        session,
        deadline,
      });
      await wt.#git(['config', 'remote.origin.url', session.url]);
      if (switched && opts.freshPushBranch !== true) {
        // Flux's SwitchBranch: the remote branch when it exists, else a new branch at the checkout.
        try {
          await wt.#git([
            'fetch',
            '-q',
            '--depth=1',
            '--no-tags',
            'origin',
            `+refs/heads/${opts.pushBranch}:refs/fluxts/push`,
          ]);
          await wt.#git(['checkout', '-q', '-B', opts.pushBranch, 'refs/fluxts/push']);
          wt.#base = await wt.head();
        } catch (err) {
          if (!(err instanceof GitError) || (err.kind !== 'ref-not-found' && err.kind !== 'operation')) throw err;
          await wt.#git(['checkout', '-q', '-B', opts.pushBranch]);
        }
      } else {
        await wt.#git(['checkout', '-q', '-B', opts.pushBranch]);
        if (!switched) wt.#base = cloned.commit;
      }
      return wt;
    } catch (err) {
      await session.dispose();
      throw err;
    }
  }

  #git(args: string[]): Promise<string> {
    return runGit(this.#session, args, { cwd: this.dir, deadline: this.#deadline, subject: this.#subject });
  }

  /** head is the commit the push branch points at locally. */
  async head(): Promise<string> {
    return (await this.#git(['rev-parse', 'HEAD'])).trim();
  }

  /**
   * commitAll commits every change in the working tree, signed when a signer is given; undefined when there is
   * nothing to commit.
   */
  async commitAll(author: CommitAuthor, message: string, sign?: CommitSigner): Promise<string | undefined> {
    await this.#git(['add', '-A']);
    if ((await this.#git(['status', '--porcelain'])).trim() === '') return undefined;
    const date = `${Math.floor(author.date.getTime() / 1000)} +0000`;
    await this.#git([
      '-c',
      `user.name=${author.name}`,
      '-c',
      `user.email=${author.email}`,
      'commit',
      '-q',
      '--no-verify',
      `--author=${author.name} <${author.email}>`,
      `--date=${date}`,
      '-m',
      message,
    ]);
    if (sign) await this.#signHead(sign);
    return this.head();
  }

  /**
   * #signHead replaces the commit just made by the same commit with a signature: git wrote the exact bytes that
   * are signed (the object without its gpgsig header), so only the header is added here.
   */
  async #signHead(sign: CommitSigner): Promise<void> {
    const payload = await this.#git(['cat-file', 'commit', 'HEAD']);
    const signed = withSignature(payload, await sign(payload));
    const file = join(this.dir, '.git', 'fluxts-signed-commit');
    await writeFile(file, signed);
    try {
      const sha = (await this.#git(['hash-object', '-t', 'commit', '-w', file])).trim();
      await this.#git(['update-ref', 'HEAD', sha]);
    } finally {
      await rm(file, { force: true });
    }
  }

  /**
   * refresh catches the working tree up with the remote push branch (Flux's RefreshToRemote before a push retry):
   * local commits and edits are dropped, so the caller applies its change again.
   */
  async refresh(): Promise<void> {
    await this.#git([
      'fetch',
      '-q',
      '--depth=1',
      '--no-tags',
      'origin',
      `+refs/heads/${this.pushBranch}:refs/fluxts/push`,
    ]);
    await this.#git(['reset', '-q', '--hard', 'refs/fluxts/push']);
    await this.#git(['clean', '-q', '-fdx']);
    this.#base = await this.head();
  }

  /** push sends the push branch, then the refspec when given; a moved remote branch is GitPushRejectedError. */
  async push(opts: PushOptions = {}): Promise<void> {
    const flags = Object.entries(opts.options ?? {}).flatMap(([k, v]) => ['-o', v === '' ? k : `${k}=${v}`]);
    const send = async (refspec: string, branch?: string): Promise<void> => {
      try {
        await this.#git(['push', '-q', ...flags, 'origin', refspec]);
      } catch (err) {
        if (err instanceof GitError && branch !== undefined && (await this.#moved(branch))) {
          throw new GitPushRejectedError(
            `${this.#subject}: push to '${refspec.replace(/^\+/u, '')}' rejected: the branch moved`,
            {
              cause: err,
            },
          );
        }
        throw err;
      }
    };
    await send(`${opts.force ? '+' : ''}HEAD:refs/heads/${this.pushBranch}`, opts.force ? undefined : this.pushBranch);
    if (opts.refspec) await send(opts.refspec);
  }

  /** #moved: the remote branch no longer points where this working tree started (git's messages vary). */
  async #moved(branch: string): Promise<boolean> {
    const out = await this.#git(['ls-remote', '--', 'origin', `refs/heads/${branch}`]).catch(() => undefined);
    if (out === undefined) return false;
    const tip = out.split('\t')[0]?.trim() || undefined;
    return tip !== this.#base;
  }

  /** close removes the working tree and the session's credentials. */
  async close(): Promise<void> {
    await this.#session.dispose();
    await rm(this.dir, { recursive: true, force: true });
  }
}
