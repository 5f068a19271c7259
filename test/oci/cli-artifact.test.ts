// `fluxts push|pull|tag|list artifact` against a real registry with basic auth, and interop with the real flux
// CLI: artifacts pushed by flux are read by fluxts and the other way round.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { MediaType, RegistryClient, staticKeychain } from '../../src/fetchers/oci/index.ts';
import { buildFluxCli } from '../cli-create/flux-cli.ts';
import { DEFAULT_USER, startRegistry, type TestRegistry } from '../support/oci-registry.ts';

const run = promisify(execFile);
const FLUXTS = join(import.meta.dirname, '..', '..', 'bin', 'fluxts.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function exec(bin: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const cmd = bin === 'fluxts' ? process.execPath : bin;
  const argv = bin === 'fluxts' ? [FLUXTS, ...args] : args;
  try {
    const r = await run(cmd, argv, { env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 1 << 24 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function makeTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fluxts-artifact-src-'));
  mkdirSync(join(dir, 'apps', 'podinfo'), { recursive: true });
  writeFileSync(
    join(dir, 'apps', 'podinfo', 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: podinfo\n',
  );
  writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n  - apps/podinfo/cm.yaml\n');
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(dir, 'logo.png'), 'binary');
  return dir;
}

describe('artifact commands', () => {
  let reg: TestRegistry;
  let src: string;
  const creds = `${DEFAULT_USER.username}:${DEFAULT_USER.password}`;
  before(async () => {
    reg = await startRegistry({ auth: 'basic' });
    src = makeTree();
  });
  after(async () => {
    await reg.stop();
    rmSync(src, { recursive: true, force: true });
  });

  test('push writes the Flux artifact format; pull, tag and list read it back', async () => {
    const url = `${reg.url}/apps/manifests:v1.0.0`;
    const push = await exec('fluxts', [
      'push',
      'artifact',
      url,
      '--path',
      src,
      '--source',
      'https://github.com/org/repo',
      '--revision',
      'main@sha1:0123456789abcdef0123456789abcdef01234567',
      '--creds',
      creds,
      '-a',
      'team=platform',
      '-o',
      'json',
    ]);
    assert.equal(push.code, 0, push.stderr);
    const info = JSON.parse(push.stdout) as { url: string; repository: string; tag: string; digest: string };
    assert.equal(info.tag, 'v1.0.0');
    assert.equal(info.repository, `${reg.host}/apps/manifests`);
    assert.equal(info.url, `oci://${reg.host}/apps/manifests@${info.digest}`);

    const c = new RegistryClient({ registry: reg.host, keychain: staticKeychain(reg.host, DEFAULT_USER) });
    try {
      const { manifest, descriptor } = await c.getManifest('apps/manifests', 'v1.0.0');
      assert.equal(descriptor.digest, info.digest);
      assert.equal(manifest.kind, 'manifest');
      if (manifest.kind !== 'manifest') return;
      assert.equal(manifest.config.mediaType, MediaType.FluxConfig);
      assert.deepEqual(
        manifest.layers.map((l) => l.mediaType),
        [MediaType.FluxContent],
      );
      assert.equal(manifest.annotations?.['org.opencontainers.image.source'], 'https://github.com/org/repo');
      assert.equal(
        manifest.annotations?.['org.opencontainers.image.revision'],
        'main@sha1:0123456789abcdef0123456789abcdef01234567',
      );
      assert.equal(manifest.annotations?.['team'], 'platform');
      assert.match(
        manifest.annotations?.['org.opencontainers.image.created'] ?? '',
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/u,
      );
    } finally {
      c.close();
    }

    const out = mkdtempSync(join(tmpdir(), 'fluxts-pull-'));
    try {
      const pull = await exec('fluxts', ['pull', 'artifact', url, '--output', out, '--creds', creds]);
      assert.equal(pull.code, 0, pull.stderr);
      assert.match(pull.stderr, /► pulling artifact from .*apps\/manifests:v1\.0\.0/u);
      assert.match(pull.stderr, /✔ revision main@sha1:0123456789abcdef/u);
      assert.match(pull.stderr, new RegExp(`✔ digest ${info.digest}`, 'u'));
      assert.equal(
        readFileSync(join(out, 'apps', 'podinfo', 'cm.yaml'), 'utf8'),
        readFileSync(join(src, 'apps', 'podinfo', 'cm.yaml'), 'utf8'),
      );
      assert.throws(() => readFileSync(join(out, '.git', 'HEAD')), 'VCS files are ignored by default');
      assert.throws(() => readFileSync(join(out, 'logo.png')), 'binary extensions are ignored by default');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }

    const tag = await exec('fluxts', ['tag', 'artifact', url, '--tag', 'latest,stable', '--creds', creds]);
    assert.equal(tag.code, 0, tag.stderr);
    assert.match(tag.stderr, /✔ artifact tagged as .*:stable/u);
    const list = await exec('fluxts', [
      'list',
      'artifacts',
      `${reg.url}/apps/manifests`,
      '--creds',
      creds,
      '--filter-regex',
      '^(v|lat)',
    ]);
    assert.equal(list.code, 0, list.stderr);
    const lines = list.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /^ARTIFACT\s+DIGEST\s+SOURCE\s+REVISION/u);
    assert.equal(lines.length, 3, list.stdout);
    assert.ok(
      lines.slice(1).every((l) => l.includes(info.digest) && l.includes('main@sha1:0123456789')),
      list.stdout,
    );
  });

  test('build artifact writes the tarball; diff artifact compares a directory with the remote content', async () => {
    const url = `${reg.url}/apps/diffed:v1`;
    const push = await exec('fluxts', [
      'push',
      'artifact',
      url,
      '--path',
      src,
      '--source',
      's',
      '--revision',
      'r',
      '--creds',
      creds,
    ]);
    assert.equal(push.code, 0, push.stderr);
    const same = await exec('fluxts', ['diff', 'artifact', url, '--path', src, '--creds', creds]);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stderr, /✔ no changes detected/u);
    const changed = mkdtempSync(join(tmpdir(), 'fluxts-diff-src-'));
    try {
      cpSync(src, changed, { recursive: true });
      writeFileSync(join(changed, 'kustomization.yaml'), 'resources: []\n');
      writeFileSync(join(changed, 'extra.yaml'), 'kind: Namespace\n');
      const diff = await exec('fluxts', ['diff', 'artifact', url, '--path', changed, '--creds', creds]);
      assert.equal(diff.code, 1, diff.stderr);
      assert.match(diff.stderr, /kustomization\.yaml: differs/u);
      assert.match(diff.stderr, /extra\.yaml: only in the local content/u);
      assert.match(diff.stderr, /the remote artifact contents differs from the local one/u);
      const out = join(changed, 'out.tgz');
      const build = await exec('fluxts', ['build', 'artifact', '--path', src, '--output', out]);
      assert.equal(build.code, 0, build.stderr);
      assert.match(build.stderr, /✔ artifact created at/u);
      const listing = execFileSync('tar', ['-tzf', out], { encoding: 'utf8' });
      assert.match(listing, /apps\/podinfo\/cm\.yaml/u);
      assert.doesNotMatch(listing, /\.git\/HEAD|logo\.png/u);
    } finally {
      rmSync(changed, { recursive: true, force: true });
    }
  });

  test('wrong credentials and unknown tags fail with one clear line and no secret', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fluxts-pull-'));
    try {
      const wrong = await exec('fluxts', [
        'pull',
        'artifact',
        `${reg.url}/apps/manifests:v1.0.0`,
        '--output',
        out,
        '--creds',
        'flux:wrong-secret-pw',
      ]);
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, /401/u);
      assert.doesNotMatch(wrong.stderr, /wrong-secret-pw/u);
      const missing = await exec('fluxts', [
        'pull',
        'artifact',
        `${reg.url}/apps/manifests:v9.9.9`,
        '--output',
        out,
        '--creds',
        creds,
      ]);
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /MANIFEST_UNKNOWN|404/u);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('the real flux CLI reads what fluxts pushed, and fluxts reads what flux pushed', async () => {
    const flux = await buildFluxCli();
    const home = mkdtempSync(join(tmpdir(), 'fluxts-flux-home-'));
    const env = { HOME: home, DOCKER_CONFIG: join(home, '.docker') };
    const out = mkdtempSync(join(tmpdir(), 'fluxts-interop-'));
    try {
      const ours = await exec('fluxts', [
        'push',
        'artifact',
        `${reg.url}/apps/interop:v1.0.0`,
        '--path',
        src,
        '--source',
        'https://github.com/org/repo',
        '--revision',
        'main@sha1:0123456789abcdef0123456789abcdef01234567',
        '--creds',
        creds,
      ]);
      assert.equal(ours.code, 0, ours.stderr);
      const fromFluxts = await exec(
        flux,
        ['pull', 'artifact', `${reg.url}/apps/interop:v1.0.0`, '--output', out, '--creds', creds],
        env,
      );
      assert.equal(fromFluxts.code, 0, fromFluxts.stderr);
      assert.match(fromFluxts.stderr, /revision main@sha1:0123456789abcdef/u);
      assert.equal(
        readFileSync(join(out, 'kustomization.yaml'), 'utf8'),
        readFileSync(join(src, 'kustomization.yaml'), 'utf8'),
      );

      const pushed = await exec(
        flux,
        [
          'push',
          'artifact',
          `${reg.url}/from-flux:v2`,
          '--path',
          src,
          '--source',
          'https://example.com/repo.git',
          '--revision',
          'v2@sha1:abcdefabcdefabcdefabcdefabcdefabcdefabcd',
          '--creds',
          creds,
          '--output',
          'json',
        ],
        env,
      );
      assert.equal(pushed.code, 0, pushed.stderr);
      const digest = (JSON.parse(pushed.stdout) as { digest: string }).digest;
      const out2 = mkdtempSync(join(tmpdir(), 'fluxts-interop-'));
      try {
        const pull = await exec(
          'fluxts',
          ['pull', 'artifact', `${reg.url}/from-flux:v2`, '--output', out2, '--creds', creds],
          env,
        );
        assert.equal(pull.code, 0, pull.stderr);
        assert.match(pull.stderr, new RegExp(`digest ${digest}`, 'u'));
        assert.match(pull.stderr, /revision v2@sha1:abcdef/u);
        assert.equal(
          readFileSync(join(out2, 'apps', 'podinfo', 'cm.yaml'), 'utf8'),
          readFileSync(join(src, 'apps', 'podinfo', 'cm.yaml'), 'utf8'),
        );
      } finally {
        rmSync(out2, { recursive: true, force: true });
      }
      const list = await exec('fluxts', ['list', 'artifacts', `${reg.url}/from-flux`, '--creds', creds], env);
      assert.equal(list.code, 0, list.stderr);
      assert.match(
        list.stdout,
        new RegExp(`from-flux:v2\\s+${digest}\\s+https://example\\.com/repo\\.git\\s+v2@sha1:abcdef`, 'u'),
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    }
  });
});
