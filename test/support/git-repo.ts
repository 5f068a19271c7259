// A bare Git repository built with plumbing commands, for tests: commits, branches, tags and signatures without
// a work tree, so tests control every byte of every object.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** FileChange is new content for a path, `{ content, mode }` for an executable, a gitlink, or null to delete. */
export type FileChange = string | { content: string; executable?: boolean } | { gitlink: string } | null;

/** Signer turns the bytes of a commit or tag object into an ASCII-armoured detached signature. */
export type Signer = (payload: string) => Promise<string>;

/** CommitOptions describes one commit on a branch. */
export interface CommitOptions {
  branch?: string;
  message?: string;
  files: Record<string, FileChange>;
  sign?: Signer;
  /** parent overrides the branch tip as the parent; null makes a root commit. */
  parent?: string | null;
}

const FIXED_ENV = {
  GIT_AUTHOR_NAME: 'Flux Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Flux Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

let clock = 1_700_000_000;

/** git runs the git CLI (argv only) and returns trimmed stdout, throwing with stderr on failure. */
export function git(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}): string {
  const r = spawnSync('git', args, {
    cwd: opts.cwd,
    input: opts.input,
    encoding: 'utf8',
    env: { ...process.env, ...FIXED_ENV, ...opts.env },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** TestRepo is a bare repository at `path` with helpers to write history into it. */
export class TestRepo {
  readonly path: string;

  constructor(path: string, defaultBranch = 'main') {
    this.path = path;
    git(['init', '-q', '--bare', `--initial-branch=${defaultBranch}`, path]);
    // Let clients fetch any commit by id (commit pins) and use partial clones (branch + commit checks).
    git(['config', 'uploadpack.allowAnySHA1InWant', 'true'], { cwd: path });
    git(['config', 'uploadpack.allowFilter', 'true'], { cwd: path });
    git(['config', 'http.receivepack', 'true'], { cwd: path });
  }

  /** tip returns the commit a branch points at, or undefined. */
  tip(branch = 'main'): string | undefined {
    try {
      return git(['rev-parse', '--verify', '-q', `refs/heads/${branch}`], { cwd: this.path });
    } catch {
      return undefined;
    }
  }

  /** commit writes a commit on a branch (created if missing) from the branch tip's tree plus changes. */
  async commit(opts: CommitOptions): Promise<string> {
    const branch = opts.branch ?? 'main';
    const parent = opts.parent === undefined ? this.tip(branch) : (opts.parent ?? undefined);
    const scratch = mkdtempSync(join(tmpdir(), 'fluxts-index-'));
    const env = { GIT_INDEX_FILE: join(scratch, 'index') };
    try {
      if (parent !== undefined) git(['read-tree', parent], { cwd: this.path, env });
      for (const [path, change] of Object.entries(opts.files)) {
        if (change === null) {
          // `--force-remove` wants a work tree, which a bare repository has not; mode 0 removes the entry.
          git(['update-index', '--index-info'], { cwd: this.path, env, input: `0 ${'0'.repeat(40)}\t${path}\n` });
        } else if (typeof change === 'object' && 'gitlink' in change) {
          git(['update-index', '--add', '--cacheinfo', `160000,${change.gitlink},${path}`], { cwd: this.path, env });
        } else {
          const content = typeof change === 'string' ? change : change.content;
          const mode = typeof change === 'object' && change.executable === true ? '100755' : '100644';
          const blob = git(['hash-object', '-w', '--stdin'], { cwd: this.path, input: content });
          git(['update-index', '--add', '--cacheinfo', `${mode},${blob},${path}`], { cwd: this.path, env });
        }
      }
      const tree = git(['write-tree'], { cwd: this.path, env });
      const sha = await this.writeCommit(tree, parent, opts.message ?? 'update', opts.sign);
      git(['update-ref', `refs/heads/${branch}`, sha], { cwd: this.path });
      return sha;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  // Builds the commit object text ourselves so a signature (gpgsig header) can be inserted exactly as git does.
  private async writeCommit(tree: string, parent: string | undefined, message: string, sign?: Signer): Promise<string> {
    const when = `${clock++} +0000`;
    const head = [`tree ${tree}`, ...(parent ? [`parent ${parent}`] : [])];
    const who = [`author Flux Test <test@example.com> ${when}`, `committer Flux Test <test@example.com> ${when}`];
    const body = `\n${message}\n`;
    const payload = `${[...head, ...who].join('\n')}\n${body}`;
    let text = payload;
    if (sign !== undefined) {
      const sig = (await sign(payload)).trimEnd().split('\n');
      text = `${[...head, ...who, `gpgsig ${sig[0]}`, ...sig.slice(1).map((l) => ` ${l}`)].join('\n')}\n${body}`;
    }
    return git(['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: this.path, input: text });
  }

  /** tag creates a lightweight tag, or an annotated (optionally signed) one when a message is given. */
  async tag(name: string, target: string, opts: { message?: string; sign?: Signer } = {}): Promise<string> {
    if (opts.message === undefined) {
      git(['update-ref', `refs/tags/${name}`, target], { cwd: this.path });
      return target;
    }
    const payload = [
      `object ${target}`,
      'type commit',
      `tag ${name}`,
      `tagger Flux Test <test@example.com> ${clock++} +0000`,
      '',
      `${opts.message}\n`,
    ].join('\n');
    const text = opts.sign === undefined ? payload : payload + (await opts.sign(payload)).trimEnd() + '\n';
    const sha = git(['mktag'], { cwd: this.path, input: text });
    git(['update-ref', `refs/tags/${name}`, sha], { cwd: this.path });
    return sha;
  }

  /** setRef points any ref (e.g. `refs/pull/1/head`) at a commit. */
  setRef(ref: string, target: string): void {
    git(['update-ref', ref, target], { cwd: this.path });
  }
}
