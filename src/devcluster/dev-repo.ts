import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';

import { FluxtsError } from '../util/errors.ts';
import { serveGitHttpBackend } from './git-http-backend.ts';

/** DevRepoError: the local repository of `fluxts dev` could not be created or read. */
export class DevRepoError extends FluxtsError {}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'fluxts dev',
  GIT_AUTHOR_EMAIL: 'dev@fluxts.local',
  GIT_COMMITTER_NAME: 'fluxts dev',
  GIT_COMMITTER_EMAIL: 'dev@fluxts.local',
};

function git(cwd: string, args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...IDENTITY } });
  if (result.status !== 0) {
    throw new DevRepoError(
      `git ${args[0] ?? ''} in ${cwd} failed: ${(result.stderr || result.error?.message || '').trim()}`,
    );
  }
  return result.stdout.trim();
}

/** DevRepo is a working Git repository that `fluxts dev` serves over smart HTTP on loopback. */
export interface DevRepo {
  /** The working tree the user edits and commits in. */
  dir: string;
  /** The URL a GitRepository uses to fetch it. */
  url: string;
  branch: string;
  /** head returns the commit the branch points at now. */
  head(): string;
  close(): Promise<void>;
}

/**
 * openDevRepo creates `<root>/<name>` from the example's files with a first commit (or reuses it, keeping the
 * user's history), and serves `<root>` with `git http-backend` on a free loopback port.
 */
export async function openDevRepo(root: string, name: string, exampleDir: string): Promise<DevRepo> {
  const dir = join(root, name);
  const branch = 'main';
  if (!existsSync(join(dir, '.git'))) {
    await mkdir(dir, { recursive: true });
    await cp(exampleDir, dir, { recursive: true });
    git(dir, ['init', '-q', `--initial-branch=${branch}`]);
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', 'Initial commit of the fluxts example app']);
  }
  const server = createServer((req, res) => serveGitHttpBackend(root, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    dir,
    url: `http://127.0.0.1:${port}/${name}`,
    branch,
    head: () => git(dir, ['rev-parse', `refs/heads/${branch}`]),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
