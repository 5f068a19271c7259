// The working copy `fluxts bootstrap` edits: the branch fetched shallowly (or a new branch when the remote is
// empty), files written, one commit per step, pushed without force. Git runs through fetchers/git's session (no
// shell, no prompts, credentials never in argv), so its errors are the classified, redacted GitErrors.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import {
  type GitCredentials,
  GitError,
  GitPushRejectedError,
  openSession,
  runGit,
} from '../../../fetchers/git/index.ts';
import type { GitSession } from '../../../fetchers/git/index.ts';
import { FluxtsError } from '../../../util/errors.ts';

/** BootstrapRepoError: the repository cannot be used as asked (a missing branch, a push refused). */
export class BootstrapRepoError extends FluxtsError {}

/** CLI_HINTS say what to change on the command line (the fetcher's hints speak of a GitRepository's Secret). */
const CLI_HINTS: Partial<Record<GitError['kind'], string>> = {
  auth: 'check -u/--username and -p/--password (or --private-key-file) and that they may push to the repository',
  'host-key': "the server's SSH host key changed while connecting: check the host",
  tls: 'pass the CA of the server with --ca-file',
  unreachable: 'check --url and that the Git server is reachable from here',
  'ref-not-found': 'check --url: the repository does not exist or these credentials cannot see it',
  'bad-secret': '--private-key-file is not a usable SSH private key, or -p/--password does not decrypt it',
};

/** forTheCli keeps a Git error's message (already redacted) and gives it a hint in terms of the CLI's flags. */
function forTheCli(err: GitError): GitError {
  const hint = CLI_HINTS[err.kind];
  if (hint === undefined) return err;
  return new GitError(err.kind, err.reason, err.message, { cause: err, hint });
}

/** Author is who commits (`--author-name`, `--author-email`); also the committer. */
export interface Author {
  name: string;
  email: string;
}

/**
 * BootstrapRepo is one shallow working copy of `branch`; always close() it.
 * @example
 *   const repo = await BootstrapRepo.open({ url, branch: 'main', credentials, timeoutMs: 60_000 });
 *   await repo.write('clusters/dev/flux-system/gotk-sync.yaml', yaml);
 *   const sha = await repo.commit(author, 'Add Flux sync manifests');
 *   if (sha) await repo.push();
 */
export class BootstrapRepo {
  readonly dir: string;
  readonly branch: string;
  /** initialized: the remote had no commits at all; the branch starts here. */
  readonly initialized: boolean;
  readonly #session: GitSession;
  readonly #deadline: number;
  /** #base is the remote tip the working copy started from; undefined for a new branch. */
  #base: string | undefined;

  private constructor(dir: string, branch: string, session: GitSession, deadline: number, initialized: boolean) {
    this.dir = dir;
    this.branch = branch;
    this.#session = session;
    this.#deadline = deadline;
    this.initialized = initialized;
  }

  /** displayUrl is the URL for messages (no password). */
  get displayUrl(): string {
    return this.#session.displayUrl;
  }

  /**
   * open fetches the branch's tip. A remote without any branch (a fresh repository) gets a new branch; a remote
   * that has branches but not this one is refused, as flux refuses it, naming the ones it has.
   */
  static async open(o: {
    url: string;
    branch: string;
    credentials: GitCredentials;
    timeoutMs: number;
  }): Promise<BootstrapRepo> {
    const session = await openSession(o.url, o.credentials);
    const dir = await mkdtemp(join(tmpdir(), 'fluxts-bootstrap-'));
    try {
      const probe = new BootstrapRepo(dir, o.branch, session, Date.now() + o.timeoutMs, false);
      await probe.#git(['init', '-q', `--initial-branch=${o.branch}`]);
      await probe.#git(['remote', 'add', 'origin', session.url]);
      const heads = (await probe.#git(['ls-remote', '--heads', 'origin']))
        .split('\n')
        .map((l) => l.split('\t'))
        .filter((f): f is [string, string] => f.length === 2)
        .map(([sha, ref]) => ({ sha, branch: ref.replace(/^refs\/heads\//, '') }));
      const tip = heads.find((h) => h.branch === o.branch);
      if (tip === undefined && heads.length > 0) {
        throw new BootstrapRepoError(
          `branch "${o.branch}" not found in ${session.displayUrl} (it has: ${heads.map((h) => h.branch).join(', ')})`,
          { hint: 'pass an existing branch with --branch, or create the branch first' },
        );
      }
      const repo = new BootstrapRepo(dir, o.branch, session, probe.#deadline, tip === undefined);
      if (tip !== undefined) {
        await repo.#git(['fetch', '-q', '--depth=1', '--no-tags', 'origin', `refs/heads/${o.branch}`]);
        await repo.#git(['checkout', '-q', '-B', o.branch, 'FETCH_HEAD']);
        repo.#base = tip.sha;
      }
      return repo;
    } catch (err) {
      await session.dispose();
      await rm(dir, { recursive: true, force: true });
      throw err instanceof GitError ? forTheCli(err) : err;
    }
  }

  #git(args: string[]): Promise<string> {
    return runGit(this.#session, args, {
      cwd: this.dir,
      deadline: this.#deadline,
      subject: `git repository ${this.#session.displayUrl}`,
    });
  }

  /** head is the commit the branch points at locally. */
  async head(): Promise<string> {
    return (await this.#git(['rev-parse', 'HEAD'])).trim();
  }

  /** read returns a file's content, or undefined when it does not exist. */
  async read(path: string): Promise<string | undefined> {
    return readFile(join(this.dir, path), 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
  }

  /** write sets a file's content, creating its folders. */
  async write(path: string, content: string): Promise<void> {
    const file = join(this.dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }

  /** commit commits every change; undefined when nothing changed (an idempotent re-run). */
  async commit(author: Author, message: string): Promise<string | undefined> {
    await this.#git(['add', '-A']);
    if ((await this.#git(['status', '--porcelain'])).trim() === '') return undefined;
    const id = ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`];
    await this.#git([...id, 'commit', '-q', '--no-verify', '-m', message]);
    return (await this.#git(['rev-parse', 'HEAD'])).trim();
  }

  /**
   * push sends the branch without force. A remote whose branch moved since open() (someone pushed meanwhile), or
   * that refuses the push (a protected branch, a hook), is a BootstrapRepoError: nothing was written there.
   */
  async push(): Promise<void> {
    try {
      await this.#git(['push', '-q', 'origin', `HEAD:refs/heads/${this.branch}`]);
      this.#base = (await this.#git(['rev-parse', 'HEAD'])).trim();
    } catch (err) {
      if (!(err instanceof GitError)) throw err;
      const remote = await this.#git(['ls-remote', '--heads', 'origin', `refs/heads/${this.branch}`]).catch(
        () => undefined,
      );
      const tip = remote?.split('\t')[0]?.trim() || undefined;
      if (remote !== undefined && tip !== this.#base) {
        throw new GitPushRejectedError(
          `push to branch "${this.branch}" of ${this.displayUrl} rejected: the branch moved meanwhile`,
          { cause: err, hint: 'run bootstrap again: it starts from the new tip' },
        );
      }
      throw new BootstrapRepoError(`push to branch "${this.branch}" of ${this.displayUrl} failed: ${err.message}`, {
        cause: err,
        hint: 'check that the credentials may push to this branch and that it is not protected',
      });
    }
  }

  /** close removes the working copy and the session's credential files. */
  async close(): Promise<void> {
    await this.#session.dispose();
    await rm(this.dir, { recursive: true, force: true });
  }
}
