// The change-request clients (fetchers/forge) against local stand-ins for GitHub, GitLab and Gitea. Each stand-in
// checks every request against the service's published API description (test/support/openapi.ts: the operation,
// its query parameters, the JSON body schema) and its documented authentication, keeps change requests as the
// service does, and answers errors in the service's own format. The lifecycle the image automation relies on is
// played on each: none open → open one → find it → update it → merged → none open → a new one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  changeRequestsFor,
  ForgeApiError,
  giteaRepositoryOf,
  githubRepositoryOf,
  gitlabProjectOf,
  type ForgeService,
} from '../../src/fetchers/forge/index.ts';
import { startEndpoint, type Answer, type Endpoint, type Recorded } from '../notification/endpoint.ts';
import { giteaApi, githubApi, gitlabApi, type ApiDescription } from '../support/openapi.ts';

const TOKEN = 'forge-secret-token-0123';

interface Stored {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  open: boolean;
  /** repo is the repository the head branch lives in (a fork's differs). */
  repo: number;
}

/** Service is how one hosting service names, authenticates and shapes what the clients talk to. */
interface Service {
  name: ForgeService;
  api: ApiDescription;
  prefix: string;
  cloneUrl: (ep: Endpoint) => string;
  authorized: (r: Recorded) => boolean;
  unauthorized: Answer;
  /** handle serves a checked, authorized request against the store. */
  handle: (r: Recorded, url: URL, store: Stored[]) => Answer;
}

const json = (status: number, body: unknown): Answer => ({ status, body: JSON.stringify(body) });
const field = (r: Recorded, name: string): string => String((JSON.parse(r.text) as Record<string, unknown>)[name]);

const github: Service = {
  name: 'github',
  api: githubApi,
  prefix: '/api/v3',
  cloneUrl: (ep) => `${ep.url}/acme/app.git`,
  authorized: (r) =>
    r.headers['authorization'] === `Bearer ${TOKEN}` && r.headers['x-github-api-version'] === '2022-11-28',
  unauthorized: json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }),
  handle(r, url, store) {
    const view = (s: Stored) => ({
      number: s.number,
      html_url: `https://github.example/acme/app/pull/${s.number}`,
      title: s.title,
      body: s.body,
    });
    const number = Number(url.pathname.split('/').pop());
    if (r.method === 'GET') {
      const q = url.searchParams;
      const found = store.filter((s) => s.open && `acme:${s.head}` === q.get('head') && s.base === q.get('base'));
      return json(200, found.map(view));
    }
    if (r.method === 'POST') {
      if (store.some((s) => s.open && s.head === field(r, 'head') && s.base === field(r, 'base'))) {
        return json(422, {
          message: 'Validation Failed',
          errors: [{ message: 'A pull request already exists for acme:flux/images.' }],
        });
      }
      const s = add(store, field(r, 'head'), field(r, 'base'), field(r, 'title'), field(r, 'body'));
      return json(201, view(s));
    }
    const s = store.find((x) => x.number === number);
    if (!s) return json(404, { message: 'Not Found' });
    Object.assign(s, { title: field(r, 'title'), body: field(r, 'body') });
    return json(200, view(s));
  },
};

const gitlab: Service = {
  name: 'gitlab',
  api: gitlabApi,
  prefix: '/api/v4',
  cloneUrl: (ep) => `${ep.url}/acme/platform/app.git`,
  authorized: (r) => r.headers['private-token'] === TOKEN,
  unauthorized: json(401, { message: '401 Unauthorized' }),
  handle(r, url, store) {
    // The project is addressed by its URL-encoded full path, subgroups included.
    const [, , , , project, , iid] = url.pathname.split('/');
    if (project !== 'acme%2Fplatform%2Fapp') return json(404, { message: '404 Project Not Found' });
    const view = (s: Stored) => ({
      id: 1000 + s.number,
      iid: s.number,
      web_url: `https://gitlab.example/acme/platform/app/-/merge_requests/${s.number}`,
      title: s.title,
      description: s.body,
      state: s.open ? 'opened' : 'merged',
      source_branch: s.head,
      target_branch: s.base,
    });
    if (r.method === 'GET') {
      const q = url.searchParams;
      const found = store.filter(
        (s) =>
          (q.get('state') !== 'opened' || s.open) &&
          s.head === q.get('source_branch') &&
          s.base === q.get('target_branch'),
      );
      return json(200, found.map(view));
    }
    if (r.method === 'POST') {
      const head = field(r, 'source_branch');
      const other = store.find((s) => s.open && s.head === head && s.base === field(r, 'target_branch'));
      if (other) {
        return json(409, {
          message: [`Another open merge request already exists for this source branch: !${other.number}`],
        });
      }
      const s = add(store, head, field(r, 'target_branch'), field(r, 'title'), field(r, 'description'));
      return json(201, view(s));
    }
    const s = store.find((x) => x.number === Number(iid));
    if (!s) return json(404, { message: '404 Not found' });
    Object.assign(s, { title: field(r, 'title'), body: field(r, 'description') });
    return json(200, view(s));
  },
};

const gitea: Service = {
  name: 'gitea',
  api: giteaApi,
  prefix: '/api/v1',
  cloneUrl: (ep) => `${ep.url}/acme/app.git`,
  authorized: (r) => r.headers['authorization'] === `token ${TOKEN}`,
  unauthorized: json(401, { message: 'user does not exist [uid: 0, name: ]', url: 'http://gitea.example/api/swagger' }),
  handle(r, url, store) {
    const view = (s: Stored) => ({
      number: s.number,
      html_url: `https://gitea.example/acme/app/pulls/${s.number}`,
      title: s.title,
      body: s.body,
      state: s.open ? 'open' : 'closed',
      head: { ref: s.head, repo_id: s.repo },
      base: { ref: s.base, repo_id: 1 },
    });
    const number = Number(url.pathname.split('/').pop());
    if (r.method === 'GET') {
      const q = url.searchParams;
      const limit = Number(q.get('limit') ?? 30);
      const page = Number(q.get('page') ?? 1);
      const found = store.filter((s) => s.open && s.base === q.get('base_branch'));
      return json(200, found.slice((page - 1) * limit, page * limit).map(view));
    }
    if (r.method === 'POST') {
      if (store.some((s) => s.open && s.repo === 1 && s.head === field(r, 'head') && s.base === field(r, 'base'))) {
        return json(409, {
          message: 'pull request already exists for these targets',
          url: 'http://gitea.example/api/swagger',
        });
      }
      return json(201, view(add(store, field(r, 'head'), field(r, 'base'), field(r, 'title'), field(r, 'body'))));
    }
    const s = store.find((x) => x.number === number);
    if (!s) return json(404, { message: "The target couldn't be found." });
    Object.assign(s, { title: field(r, 'title'), body: field(r, 'body') });
    return json(200, view(s));
  },
};

function add(store: Stored[], head: string, base: string, title: string, body: string, repo = 1): Stored {
  const s: Stored = { number: store.length + 1, head, base, title, body, open: true, repo };
  store.push(s);
  return s;
}

for (const service of [github, gitlab, gitea]) {
  describe(`${service.name} change requests`, () => {
    let ep: Endpoint;
    const store: Stored[] = [];
    const refused: string[] = [];
    before(async () => {
      ep = await startEndpoint((r) => {
        try {
          service.api.check(r.method, r.path, service.prefix, r.text || '{}');
        } catch (err) {
          refused.push(`${r.method} ${r.path}: ${(err as Error).message}`);
          return json(400, { message: 'request not as the API description says' });
        }
        if (!service.authorized(r)) return service.unauthorized;
        return service.handle(r, new URL(r.path, 'http://x'), store);
      });
    });
    after(() => ep.close());
    const forge = (token = TOKEN) =>
      changeRequestsFor(service.name, service.cloneUrl(ep), token, { api: `${ep.url}${service.prefix}` });

    test('none open → opened → found → updated → merged → a new one', async () => {
      const f = forge();
      assert.equal(await f.findOpen('flux/images', 'main'), undefined);
      const first = await f.open({ head: 'flux/images', base: 'main', title: 'Update podinfo', body: 'one image' });
      assert.equal(first.number, 1);
      assert.equal(first.title, 'Update podinfo');
      assert.match(first.url, /^https:\/\/\w+\.example\//u);
      assert.deepEqual(await f.findOpen('flux/images', 'main'), first);
      assert.equal(await f.findOpen('flux/images', 'release'), undefined, 'another base is another change request');
      const updated = await f.update(1, { title: 'Update podinfo and redis', body: 'two images' });
      assert.deepEqual([updated.number, updated.title, updated.body], [1, 'Update podinfo and redis', 'two images']);
      store[0]!.open = false; // merged by a reviewer
      assert.equal(await f.findOpen('flux/images', 'main'), undefined);
      const second = await f.open({ head: 'flux/images', base: 'main', title: 'Update redis', body: '' });
      assert.equal(second.number, 2);
      assert.deepEqual(refused, [], 'every request matches the published API description');
    });

    test("the service's refusals surface with their status and message, never the token", async () => {
      const dup = await forge()
        .open({ head: 'flux/images', base: 'main', title: 'again', body: '' })
        .then(
          () => assert.fail('a second open change request for the same branches must be refused'),
          (e: unknown) => e,
        );
      assert.ok(dup instanceof ForgeApiError);
      assert.ok(dup.status === 409 || dup.status === 422, String(dup.status));
      assert.match(dup.message, /already exists/u);
      const wrong = 'wrong-token-4567';
      const denied = await forge(wrong)
        .findOpen('flux/images', 'main')
        .then(
          () => assert.fail('a wrong token must be refused'),
          (e: unknown) => e,
        );
      assert.ok(denied instanceof ForgeApiError);
      assert.equal(denied.status, 401);
      assert.doesNotMatch(denied.message, new RegExp(`${wrong}|${TOKEN}`, 'u'));
      assert.deepEqual(refused, []);
    });
  });
}

test('gitea: a fork branch of the same name is not ours, and open pull requests are paged through', async () => {
  const store: Stored[] = [];
  for (let i = 0; i < 60; i++) add(store, `feature-${i}`, 'main', `other ${i}`, '');
  add(store, 'flux/images', 'main', 'from a fork', '', 7);
  const ours = add(store, 'flux/images', 'main', 'ours', '');
  const refused: string[] = [];
  const ep = await startEndpoint((r) => {
    try {
      giteaApi.check(r.method, r.path, '/api/v1', r.text || '{}');
    } catch (err) {
      refused.push((err as Error).message);
    }
    return gitea.handle(r, new URL(r.path, 'http://x'), store);
  });
  try {
    const f = changeRequestsFor('gitea', `${ep.url}/acme/app.git`, TOKEN, { api: `${ep.url}/api/v1` });
    const found = await f.findOpen('flux/images', 'main');
    assert.equal(found?.number, ours.number);
    assert.equal(found?.title, 'ours');
    assert.equal(ep.requests.length, 2, 'two pages of 50');
    assert.deepEqual(refused, []);
  } finally {
    await ep.close();
  }
});

test('API bases derived from clone URLs, overridable', () => {
  assert.deepEqual(gitlabProjectOf('https://gitlab.com/acme/platform/app.git', 't'), {
    api: 'https://gitlab.com/api/v4',
    project: 'acme/platform/app',
    token: 't',
  });
  assert.equal(gitlabProjectOf('ssh://git@gitlab.example:2222/acme/app.git', 't').api, 'https://gitlab.example/api/v4');
  assert.equal(gitlabProjectOf('https://x/acme/app', 't', 'https://x/gitlab/api/v4/').api, 'https://x/gitlab/api/v4');
  assert.deepEqual(giteaRepositoryOf('http://gitea.local:3000/acme/app.git', 't'), {
    api: 'http://gitea.local:3000/api/v1',
    owner: 'acme',
    repo: 'app',
    token: 't',
  });
  assert.equal(githubRepositoryOf('ssh://git@github.com/acme/app', 't').api, 'https://api.github.com');
  assert.throws(() => gitlabProjectOf('https://gitlab.com/app', 't'), ForgeApiError);
  assert.throws(() => giteaRepositoryOf('not a url', 't'), ForgeApiError);
});
