import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, test } from 'node:test';

import { CredentialError, CredentialSource } from './credentials.ts';
import { rateLimitKey } from './transport.ts';
import { KubeConfig, KubeConfigError, loadKubeConfig } from './kubeconfig.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fluxts-kubeconfig-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function config(lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

void test('a kubeconfig file: current context, inline and relative file data, token', async () => {
  await writeFile(join(dir, 'ca.pem'), 'CA FROM FILE');
  const path = join(dir, 'one.yaml');
  await writeFile(
    path,
    config([
      'apiVersion: v1',
      'kind: Config',
      'current-context: b',
      'clusters:',
      '  - name: ca',
      '    cluster: {server: "https://a.example:6443/", certificate-authority: ca.pem, tls-server-name: api}',
      `  - name: cb`,
      `    cluster: {server: "https://b.example", certificate-authority-data: ${b64('INLINE CA')}}`,
      'users:',
      '  - {name: ua, user: {token: tok-a}}',
      `  - {name: ub, user: {client-certificate-data: ${b64('CERT')}, client-key-data: ${b64('KEY')}}}`,
      'contexts:',
      '  - {name: a, context: {cluster: ca, user: ua, namespace: team}}',
      '  - {name: b, context: {cluster: cb, user: ub}}',
    ]),
  );
  const kc = loadKubeConfig(path);
  assert.deepEqual(
    kc.getContexts().map((c) => c.name),
    ['a', 'b'],
  );
  assert.equal(kc.getCurrentCluster()?.caData?.toString(), 'INLINE CA');
  const b = await new CredentialSource(kc).resolve();
  assert.equal(b.server, 'https://b.example');
  assert.equal(b.tls.cert?.toString(), 'CERT');
  assert.equal(b.tls.key?.toString(), 'KEY');
  assert.deepEqual(b.headers, {});

  kc.setCurrentContext('a');
  assert.equal(kc.getCurrentContextObject()?.namespace, 'team');
  const a = await new CredentialSource(kc).resolve();
  assert.equal(a.server, 'https://a.example:6443');
  assert.equal(a.tls.ca?.toString(), 'CA FROM FILE');
  assert.equal(a.tls.servername, 'api');
  assert.equal(a.tls.rejectUnauthorized, true);
  assert.deepEqual(a.headers, { Authorization: 'Bearer tok-a' });
  assert.throws(() => kc.setCurrentContext('nope'), KubeConfigError);
});

void test('$KUBECONFIG merges files: the first definition of a name and the first current-context win', async () => {
  const first = join(dir, 'first.yaml');
  const second = join(dir, 'second.yaml');
  await writeFile(
    first,
    config([
      'current-context: x',
      'clusters: [{name: c, cluster: {server: "https://first"}}]',
      'users: [{name: u, user: {username: admin, password: "p:w"}}]',
    ]),
  );
  await writeFile(
    second,
    config([
      'current-context: y',
      'clusters: [{name: c, cluster: {server: "https://second"}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
    ]),
  );
  const saved = process.env['KUBECONFIG'];
  process.env['KUBECONFIG'] = [first, join(dir, 'missing.yaml'), second].join(delimiter);
  try {
    const kc = loadKubeConfig();
    assert.equal(kc.currentContext, 'x');
    const creds = await new CredentialSource(kc).resolve();
    assert.equal(creds.server, 'https://first');
    assert.equal(creds.headers['Authorization'], `Basic ${b64('admin:p:w')}`);
  } finally {
    if (saved === undefined) delete process.env['KUBECONFIG'];
    else process.env['KUBECONFIG'] = saved;
  }
});

void test('in-cluster: the service account token file is read, and read again after it rotates', async () => {
  const sa = join(dir, 'sa');
  await mkdir(sa);
  await writeFile(join(sa, 'token'), 'token-1\n');
  await writeFile(join(sa, 'ca.crt'), 'SA CA');
  await writeFile(join(sa, 'namespace'), 'flux-system');
  const env = { host: process.env['KUBERNETES_SERVICE_HOST'], port: process.env['KUBERNETES_SERVICE_PORT'] };
  process.env['KUBERNETES_SERVICE_HOST'] = 'fd00::1';
  process.env['KUBERNETES_SERVICE_PORT'] = '443';
  try {
    const kc = new KubeConfig();
    kc.loadFromCluster(sa);
    const source = new CredentialSource(kc);
    const creds = await source.resolve();
    assert.equal(creds.server, 'https://[fd00::1]:443');
    assert.equal(creds.tls.ca?.toString(), 'SA CA');
    assert.equal(creds.headers['Authorization'], 'Bearer token-1');
    assert.equal(kc.getCurrentContextObject()?.namespace, 'flux-system');
    await writeFile(join(sa, 'token'), 'token-2\n');
    source.invalidate(); // what a 401 does; otherwise the file is trusted for a minute
    assert.equal((await source.resolve()).headers['Authorization'], 'Bearer token-2');
  } finally {
    for (const [k, v] of [
      ['KUBERNETES_SERVICE_HOST', env.host],
      ['KUBERNETES_SERVICE_PORT', env.port],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

void test('an exec plugin is run with KUBERNETES_EXEC_INFO and its token cached until it expires', async () => {
  const plugin = join(dir, 'plugin.sh');
  const count = join(dir, 'count');
  await writeFile(
    plugin,
    [
      '#!/bin/sh',
      `echo x >> ${count}`,
      'case "$KUBERNETES_EXEC_INFO" in *\'"server":"https://exec.example"\'*) ;; *) exit 3 ;; esac',
      'printf \'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",' +
        '"status":{"token":"%s","expirationTimestamp":"%s"}}\' "$TOKEN_PREFIX-$(wc -l < ' +
        count +
        ' | tr -d \' \')" "$EXPIRES"',
    ].join('\n'),
  );
  await chmod(plugin, 0o755);
  const kc = new KubeConfig();
  kc.loadFromString(
    config([
      'current-context: e',
      'clusters: [{name: c, cluster: {server: "https://exec.example"}}]',
      'contexts: [{name: e, context: {cluster: c, user: u}}]',
      'users:',
      '  - name: u',
      '    user:',
      '      exec:',
      '        apiVersion: client.authentication.k8s.io/v1',
      '        command: ./plugin.sh',
      '        provideClusterInfo: true',
      '        env: [{name: TOKEN_PREFIX, value: t}, {name: EXPIRES, value: "2999-01-01T00:00:00Z"}]',
    ]),
    dir,
  );
  const source = new CredentialSource(kc);
  assert.equal((await source.resolve()).headers['Authorization'], 'Bearer t-1');
  assert.equal((await source.resolve()).headers['Authorization'], 'Bearer t-1', 'cached until expiry');
  source.invalidate();
  assert.equal((await source.resolve()).headers['Authorization'], 'Bearer t-2');

  const failing = new KubeConfig();
  failing.loadFromString(
    config([
      'current-context: e',
      'clusters: [{name: c, cluster: {server: "https://elsewhere"}}]',
      'contexts: [{name: e, context: {cluster: c, user: u}}]',
      'users: [{name: u, user: {exec: {command: ./plugin.sh, provideClusterInfo: true}}}]',
    ]),
    dir,
  );
  await assert.rejects(new CredentialSource(failing).resolve(), (err: unknown) => {
    assert.ok(err instanceof CredentialError);
    assert.match(err.message, /exec plugin \.\/plugin\.sh failed/);
    return true;
  });
});

void test('impersonation adds headers to a copy; the original and its other users are untouched', async () => {
  const kc = new KubeConfig();
  kc.loadFromString(
    config([
      'current-context: e',
      'clusters: [{name: c, cluster: {server: "http://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
      'contexts: [{name: e, context: {cluster: c, user: u}}]',
      'users: [{name: u, user: {token: t, as: someone, as-groups: [g1, g2]}}]',
    ]),
  );
  const base = await new CredentialSource(kc).resolve();
  assert.equal(base.tls.rejectUnauthorized, false);
  assert.deepEqual(base.headers['Impersonate-Group'], ['g1', 'g2']);
  const sa = kc.impersonating('system:serviceaccount:ns:sa');
  const headers = (await new CredentialSource(sa).resolve()).headers;
  assert.equal(headers['Impersonate-User'], 'system:serviceaccount:ns:sa');
  assert.equal((await new CredentialSource(kc).resolve()).headers['Impersonate-User'], 'someone');
});

void test('bad kubeconfigs fail with the source named and no content quoted', () => {
  const kc = new KubeConfig();
  assert.throws(
    () => kc.loadFromString('token: [unclosed secret-value', '/', "secret 'ns/kc'"),
    (err: unknown) => {
      assert.ok(err instanceof KubeConfigError);
      assert.equal(err.message, "secret 'ns/kc': not valid YAML");
      return true;
    },
  );
  assert.throws(() => loadKubeConfig(join(dir, 'absent.yaml')), /absent\.yaml: cannot be read/);
  const provider = new KubeConfig();
  provider.loadFromString(
    config([
      'current-context: e',
      'clusters: [{name: c, cluster: {server: "https://x"}}]',
      'contexts: [{name: e, context: {cluster: c, user: u}}]',
      'users: [{name: u, user: {auth-provider: {name: gcp}}}]',
    ]),
  );
  return assert.rejects(new CredentialSource(provider).resolve(), /auth-provider "gcp" is not supported/);
});

void test('rate limits are per resource, as controller-runtime gives each resource its own REST client', () => {
  assert.equal(rateLimitKey('/api/v1/namespaces/app/services/web'), 'v1/services');
  assert.equal(rateLimitKey('/api/v1/namespaces/app'), 'v1/namespaces');
  assert.equal(rateLimitKey('/api/v1/namespaces'), 'v1/namespaces');
  assert.equal(rateLimitKey('/apis/apps/v1/namespaces/app/deployments/web/status'), 'apps/v1/deployments');
  assert.equal(rateLimitKey('/apis/apps/v1/deployments?watch=true'), 'apps/v1/deployments');
  assert.equal(
    rateLimitKey('/apis/rbac.authorization.k8s.io/v1/clusterroles/x'),
    'rbac.authorization.k8s.io/v1/clusterroles',
  );
  assert.equal(rateLimitKey('/apis/apps/v1'), 'apps/v1');
  assert.equal(rateLimitKey('/version'), 'version');
});
