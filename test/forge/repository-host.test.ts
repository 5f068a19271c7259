// The repository side of fetchers/forge (what `fluxts bootstrap gitea|github` needs) against a local stand-in for
// Gitea (and GitLab) that checks every request against Gitea's published API description and its token header: a repository
// found or created under a user or an organization, deploy keys reconciled by title (kept when equal, replaced when
// the key or its access changed), a team granted access. GitHub's side runs end to end in test/cli/bootstrap.test.ts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  giteaRepositoryHost,
  gitlabRepositoryHost,
  reconcileDeployKey,
  type RepositoryHost,
} from '../../src/fetchers/forge/index.ts';
import { startEndpoint, type Answer, type Endpoint } from '../notification/endpoint.ts';
import { giteaApi, gitlabApi } from '../support/openapi.ts';

const TOKEN = 'gitea-token-3141';
const json = (status: number, body?: unknown): Answer => ({
  status,
  body: body === undefined ? '' : JSON.stringify(body),
});

let ep: Endpoint;
const refused: string[] = [];
const repos = new Map<string, { private: boolean }>();
const keys: { id: number; title: string; key: string; read_only: boolean }[] = [];
const teamRepos: string[] = [];
let nextKey = 1;

before(async () => {
  ep = await startEndpoint((r) => {
    try {
      giteaApi.check(r.method, r.path, '/api/v1', r.text || '{}');
    } catch (err) {
      refused.push((err as Error).message);
      return json(422, { message: 'not as described' });
    }
    if (r.headers['authorization'] !== `token ${TOKEN}`) return json(401, { message: 'token is required' });
    const url = new URL(r.path, 'http://x');
    const body = (r.text ? JSON.parse(r.text) : {}) as Record<string, unknown>;
    const p = url.pathname.replace(/^\/api\/v1/u, '');
    if (r.method === 'POST' && (p === '/user/repos' || /^\/orgs\/[^/]+\/repos$/u.test(p))) {
      const owner = p === '/user/repos' ? 'me' : (p.split('/')[2] ?? '');
      repos.set(`${owner}/${String(body['name'])}`, { private: body['private'] === true });
      return json(201, { name: body['name'] });
    }
    if (r.method === 'GET' && p === '/orgs/acme/teams/search') {
      return json(200, {
        ok: true,
        data: [
          { id: 7, name: 'platform' },
          { id: 8, name: 'platform-admins' },
        ],
      });
    }
    if (r.method === 'PUT' && p.startsWith('/teams/')) {
      teamRepos.push(p);
      return json(204);
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/keys)?(?:\/(\d+))?$/u.exec(p);
    if (!m || !repos.has(`${m[1]}/${m[2]}`)) return json(404, { message: "The target couldn't be found." });
    if (!m[3]) return json(200, { full_name: `${m[1]}/${m[2]}` });
    if (r.method === 'GET') return json(200, keys);
    if (r.method === 'POST') {
      const k = {
        id: nextKey++,
        title: String(body['title']),
        key: String(body['key']),
        read_only: body['read_only'] === true,
      };
      keys.push(k);
      return json(201, k);
    }
    if (r.method === 'DELETE') {
      keys.splice(
        keys.findIndex((k) => k.id === Number(m[4])),
        1,
      );
      return json(204);
    }
    return json(405, { message: 'method not allowed' });
  });
});
after(() => ep.close());

const host = (owner: string, name: string, personal: boolean, token = TOKEN): RepositoryHost =>
  giteaRepositoryHost({ api: `${ep.url}/api/v1`, token }, { owner, name, personal });

test('gitea: a repository found or created, under a user or an organization', async () => {
  const org = host('acme', 'fleet', false);
  assert.equal(await org.exists(), false);
  await org.create({ visibility: 'private' });
  assert.equal(await org.exists(), true);
  assert.deepEqual(repos.get('acme/fleet'), { private: true });
  const mine = host('me', 'lab', true);
  await mine.create({ visibility: 'public', description: 'my lab' });
  assert.deepEqual(repos.get('me/lab'), { private: false });
  await assert.rejects(org.create({ visibility: 'internal' }), /no internal visibility/u);
  await assert.rejects(host('acme', 'fleet', false, 'wrong').exists(), (e: unknown) => {
    assert.equal((e as { status?: number }).status, 401);
    assert.doesNotMatch(String(e), /wrong|gitea-token/u);
    return true;
  });
  assert.deepEqual(refused, []);
});

test('gitea: deploy keys reconciled by title; a team granted by name', async () => {
  const org = host('acme', 'fleet', false);
  const title = 'flux-system-main-flux-system-./clusters/dev';
  const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmJb8l0Qe2N0W8mD3Yk3nJpQd7dX0wq1mJ5b0L2r7pQ';
  assert.equal(await reconcileDeployKey(org, { title, key, readOnly: true }), true);
  assert.equal(await reconcileDeployKey(org, { title, key: `${key} another-comment`, readOnly: true }), false);
  assert.equal(keys.length, 1);
  assert.equal(await reconcileDeployKey(org, { title, key, readOnly: false }), true, 'access changed: replaced');
  assert.deepEqual(
    keys.map((k) => [k.title, k.read_only]),
    [[title, false]],
  );
  await org.grantTeam('platform', 'maintain');
  assert.deepEqual(teamRepos, ['/teams/7/repos/acme/fleet']);
  await assert.rejects(org.grantTeam('nobody', 'maintain'), /team "nobody" not found in organization "acme"/u);
  assert.deepEqual(refused, []);
});

test('gitlab: a project created in a subgroup by its id, deploy keys with can_push, a group shared as a team', async () => {
  const projects = new Set<string>(['acme/platform/existing']);
  const created: Record<string, unknown>[] = [];
  const glKeys: { id: number; title: string; key: string; can_push: boolean }[] = [];
  const shares: Record<string, unknown>[] = [];
  const glRefused: string[] = [];
  const gl = await startEndpoint((r) => {
    try {
      gitlabApi.check(r.method, r.path, '/api/v4', r.text || '{}');
    } catch (err) {
      glRefused.push((err as Error).message);
      return json(400, { message: 'not as described' });
    }
    if (r.headers['private-token'] !== TOKEN) return json(401, { message: '401 Unauthorized' });
    const url = new URL(r.path, 'http://x');
    const body = (r.text ? JSON.parse(r.text) : {}) as Record<string, unknown>;
    const [, , , kind, id = '', sub, keyId] = url.pathname.split('/');
    const path = decodeURIComponent(id);
    if (kind === 'groups') {
      const ids: Record<string, number> = { 'acme/platform': 42, 'acme/sre': 43 };
      return ids[path] ? json(200, { id: ids[path], full_path: path }) : json(404, { message: '404 Group Not Found' });
    }
    if (r.method === 'POST' && url.pathname === '/api/v4/projects') {
      created.push(body);
      const ns = body['namespace_id'] === 42 ? 'acme/platform' : 'me';
      projects.add(`${ns}/${String(body['path'])}`);
      return json(201, { id: 7 });
    }
    if (!projects.has(path)) return json(404, { message: '404 Project Not Found' });
    if (sub === undefined) return json(200, { id: 7, path_with_namespace: path });
    if (sub === 'share') {
      if (shares.some((s) => s['group_id'] === body['group_id'])) return json(409, { message: 'already shared' });
      shares.push(body);
      return json(201, {});
    }
    if (r.method === 'GET') return json(200, glKeys);
    if (r.method === 'POST') {
      const k = {
        id: glKeys.length + 100,
        title: String(body['title']),
        key: String(body['key']),
        can_push: body['can_push'] === true,
      };
      glKeys.push(k);
      return json(201, k);
    }
    glKeys.splice(
      glKeys.findIndex((k) => k.id === Number(keyId)),
      1,
    );
    return json(204);
  });
  try {
    const api = { api: `${gl.url}/api/v4`, token: TOKEN };
    const project = gitlabRepositoryHost(api, { owner: 'acme/platform', name: 'fleet', personal: false });
    assert.equal(await project.exists(), false);
    await project.create({ visibility: 'internal', description: 'fleet' });
    assert.deepEqual(created[0], {
      name: 'fleet',
      path: 'fleet',
      namespace_id: 42,
      visibility: 'internal',
      description: 'fleet',
    });
    assert.equal(await project.exists(), true);
    await gitlabRepositoryHost(api, { owner: 'me', name: 'lab', personal: true }).create({ visibility: 'private' });
    assert.equal(created[1]?.['namespace_id'], undefined, 'a personal project goes to the user');
    const title = 'flux-system-main-flux-system-.';
    assert.equal(await reconcileDeployKey(project, { title, key: 'ssh-ed25519 AAAAkey1', readOnly: true }), true);
    assert.equal(glKeys[0]?.can_push, false);
    assert.equal(await reconcileDeployKey(project, { title, key: 'ssh-ed25519 AAAAkey2', readOnly: true }), true);
    assert.deepEqual(
      glKeys.map((k) => k.key),
      ['ssh-ed25519 AAAAkey2'],
      'another key replaces the old one',
    );
    await project.grantTeam('acme/sre', 'maintain');
    await project.grantTeam('acme/sre', 'maintain');
    assert.deepEqual(shares, [{ group_id: 43, group_access: 40 }], 'sharing again is not an error');
    await assert.rejects(project.grantTeam('acme/sre', 'owner'), /permission "owner" is not one of/u);
    assert.deepEqual(glRefused, []);
  } finally {
    await gl.close();
  }
});
