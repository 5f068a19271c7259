// fetchers/git UpdateCheckout against the real smart-HTTP git server (git http-backend, basic auth): commit and
// push to the checkout branch, to a new push branch and a refspec, push options; a branch that moved meanwhile is
// a GitPushRejectedError and nothing is half-pushed; no credential in errors.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { GitPushRejectedError, UpdateCheckout } from '../../src/fetchers/git/index.ts';
import { git } from '../support/git-repo.ts';
import { startGitServer, type GitServer } from '../support/git-server.ts';

const auth = { username: 'flux', password: 'push-s3cret' };
let server: GitServer;
const work = mkdtempSync(join(tmpdir(), 'fluxts-git-update-'));
before(async () => {
  server = await startGitServer({ basicAuth: auth });
});
after(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

let seq = 0;
const open = (name: string, pushBranch = 'main', credentials = auth) =>
  UpdateCheckout.open({
    url: server.repoUrl(name),
    dir: join(work, `wt-${++seq}`),
    credentials,
    checkoutRef: { branch: 'main' },
    pushBranch,
  });
const author = { name: 'Flux Bot', email: 'bot@example.com', date: new Date('2026-12-07T10:00:00Z') };

describe('UpdateCheckout', () => {
  it('commits every change with the author and pushes it to the checkout branch', async () => {
    const repo = server.createRepo('plain');
    const base = await repo.commit({ files: { 'app/deploy.yaml': 'image: a:1\n' } });
    const wt = await open('plain');
    try {
      assert.equal(wt.revision, `main@sha1:${base}`);
      assert.equal(await wt.commitAll(author, 'nothing yet'), undefined);
      writeFileSync(join(wt.dir, 'app/deploy.yaml'), 'image: a:2\n');
      const sha = await wt.commitAll(author, 'Update a to 2\n\nbody');
      assert.ok(sha);
      await wt.push();
      assert.equal(repo.tip('main'), sha);
      const show = git(['show', '-s', '--format=%an <%ae>|%cn <%ce>|%at|%B|%P', sha], { cwd: repo.path }).trim();
      assert.equal(
        show,
        `Flux Bot <bot@example.com>|Flux Bot <bot@example.com>|1796637600|Update a to 2\n\nbody\n|${base}`,
      );
      assert.equal(git(['show', `${sha}:app/deploy.yaml`], { cwd: repo.path }), 'image: a:2');
    } finally {
      await wt.close();
    }
  });

  it('creates a missing push branch from the checkout, reuses an existing one, pushes a refspec too', async () => {
    const repo = server.createRepo('branches');
    await repo.commit({ files: { 'f.yaml': 'v: 1\n' } });
    const wt = await open('branches', 'auto');
    try {
      assert.equal(wt.switched, true);
      writeFileSync(join(wt.dir, 'f.yaml'), 'v: 2\n');
      const sha = await wt.commitAll(author, 'first');
      await wt.push({ refspec: 'refs/heads/auto:refs/heads/release' });
      assert.equal(repo.tip('auto'), sha);
      assert.equal(repo.tip('release'), sha);
      assert.notEqual(repo.tip('main'), sha);
    } finally {
      await wt.close();
    }
    const again = await open('branches', 'auto');
    try {
      assert.equal(readFileSync(join(again.dir, 'f.yaml'), 'utf8'), 'v: 2\n');
    } finally {
      await again.close();
    }
  });

  it('a branch that moved meanwhile is rejected, and the remote keeps its commit', async () => {
    const repo = server.createRepo('moved');
    await repo.commit({ files: { 'f.yaml': 'v: 1\n' } });
    const wt = await open('moved');
    try {
      const other = await repo.commit({ files: { 'g.yaml': 'w: 1\n' } });
      writeFileSync(join(wt.dir, 'f.yaml'), 'v: 2\n');
      await wt.commitAll(author, 'update');
      await assert.rejects(wt.push(), GitPushRejectedError);
      assert.equal(repo.tip('main'), other);
    } finally {
      await wt.close();
    }
  });

  it('refused credentials name the repository, never the password', async () => {
    server.createRepo('locked');
    await assert.rejects(open('locked', 'main', { username: 'flux', password: 'wrong-pass' }), (err: Error) => {
      assert.doesNotMatch(err.message, /wrong-pass|push-s3cret/u);
      return true;
    });
  });
});
