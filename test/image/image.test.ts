// The controller image itself (`npm run image`): built (or taken from the cache), then checked as a runtime sees it
// — its config, labels and layers, the programs the controllers run, started under runc as the non-root user on a
// read-only root filesystem — and pushed to a real registry with its digest kept.
//
// Building it cold takes minutes and downloads Debian packages, so these tests run with `npm run test:image`
// (FLUXTS_TEST_IMAGE=1), not in `npm test`; they fail, never skip, when a tool they need is missing.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { stderrProgress } from '../../src/devcluster/go-build.ts';
import { buildImage, type ImageBuildResult } from '../../src/devcluster/image/build.ts';
import { findImage, type LocalImage } from '../../src/devcluster/image/oci-layout.ts';
import { pushImage } from '../../src/devcluster/image/push.ts';
import * as recipe from '../../src/devcluster/image/recipe.ts';
import { unpackedRootfs } from '../../src/devcluster/image/rootfs.ts';
import { runContainer } from '../../src/devcluster/pods/runc.ts';
import { IMAGE_TESTS_SKIP } from '../support/image.ts';
import { startRegistry, type TestRegistry } from '../support/oci-registry.ts';

const root = join(import.meta.dirname, '..', '..');

describe('the controller image', { skip: IMAGE_TESTS_SKIP }, () => {
  let built: ImageBuildResult;
  let image: LocalImage;
  let scratch: string;
  before(async () => {
    built = await buildImage({ root, progress: stderrProgress });
    const found = await findImage(built.layoutDir, built.name);
    assert.ok(found, `${built.name} is not in ${built.layoutDir}`);
    image = found;
    scratch = await mkdtemp(join(tmpdir(), 'fluxts-image-test-'));
  });
  after(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  test('its config runs fluxts as nobody, with the OCI labels', () => {
    const { config } = image.config;
    assert.equal(config.User, recipe.USER);
    assert.deepEqual(config.Entrypoint, [...recipe.ENTRYPOINT]);
    assert.ok(config.Env?.includes('HOME=/tmp'));
    const labels = config.Labels ?? {};
    assert.equal(labels['org.opencontainers.image.title'], 'fluxts');
    assert.match(labels['org.opencontainers.image.version'] ?? '', /^v\d+\.\d+\.\d+/);
    assert.equal(labels['org.opencontainers.image.licenses'], 'Apache-2.0');
    assert.ok(labels['org.opencontainers.image.created']);
    assert.equal(image.manifest.annotations?.['org.opencontainers.image.title'], 'fluxts');
    assert.deepEqual(
      built.layers.map((l) => l.name),
      ['debian', 'node', 'dependencies', 'fluxts'],
    );
    assert.equal(image.config.rootfs.diff_ids.length, 4);
    // What a pull transfers, compared in the report with Flux's ~30 MiB source-controller image.
    assert.ok(built.compressedBytes < 120 * 2 ** 20, `${built.compressedBytes} bytes compressed`);
  });

  test('a second build is served from the cache, byte for byte', async () => {
    const again = await buildImage({ root, progress: stderrProgress });
    assert.equal(again.digest, built.digest);
    assert.equal(again.cached, true);
  });

  test('under runc, read-only and as 65534, it runs fluxts, git, ssh and gpg', async () => {
    const rootfs = await unpackedRootfs(built.layoutDir, image);
    const script = [
      "const { execFileSync } = require('node:child_process');",
      "const run = (c, a) => execFileSync(c, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });",
      "console.log('uid', process.getuid(), process.getgid());",
      "console.log(run('git', ['--version']).trim());",
      "console.log('ssh', run('ssh', ['-V']) || 'ok');",
      "console.log(run('gpg', ['--version']).split('\\n')[0]);",
      "try { require('node:fs').writeFileSync('/app/x', 'x'); console.log('rootfs writable'); } catch (e) { console.log('rootfs', e.code); }",
      "require('node:fs').writeFileSync('/tmp/x', 'x'); console.log('tmp writable');",
    ].join('\n');
    const env = image.config.config.Env ?? [];
    const runs: [string, string[]][] = [
      ['fluxts', ['/usr/bin/tini', '--', '/usr/local/bin/node', '/app/bin/fluxts.js', 'version', '--client']],
      ['tools', ['/usr/local/bin/node', '-e', script]],
    ];
    for (const [name, args] of runs) {
      const log = join(scratch, `${name}.log`);
      const tmp = await mkdtemp(join(scratch, 'tmp-'));
      await import('node:fs/promises').then((fs) => fs.chmod(tmp, 0o1777));
      const c = await runContainer(
        {
          id: `fluxts-image-test-${process.pid}-${name}`,
          rootfs,
          readOnlyRootfs: true,
          args,
          env,
          cwd: '/app',
          uid: 65534,
          gid: 65534,
          hostname: 'image-test',
          mounts: [{ destination: '/tmp', source: tmp }],
          capabilities: [],
          noNewPrivileges: true,
        },
        join(scratch, `bundle-${name}`),
        log,
      );
      const code = await c.exited;
      const out = await readFile(log, 'utf8');
      assert.equal(code, 0, out);
      if (name === 'fluxts') assert.match(out, /0\.\d+\.\d+/);
      else {
        assert.match(out, /^uid 65534 65534$/m);
        assert.match(out, /^git version 2\./m);
        assert.match(out, /^gpg \(GnuPG\) 2\./m);
        assert.match(out, /^rootfs EROFS$/m);
        assert.match(out, /^tmp writable$/m);
      }
    }
  });

  describe('pushed to a registry', () => {
    let registry: TestRegistry;
    before(async () => {
      registry = await startRegistry({ auth: 'basic' });
    });
    after(async () => registry?.stop());

    test('keeps its digest', async () => {
      const user = registry.users[0]!;
      const digest = await pushImage({
        layoutDir: built.layoutDir,
        name: built.name,
        destination: `${registry.host}/fluxts/fluxts:test`,
        insecure: true,
        credentials: user,
      });
      assert.equal(digest, built.digest);
      const res = await fetch(`http://${registry.host}/v2/fluxts/fluxts/manifests/test`, {
        headers: {
          accept: 'application/vnd.oci.image.manifest.v1+json',
          authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`,
        },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('docker-content-digest'), built.digest);
    });
  });
});
