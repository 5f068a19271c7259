// The image recipe (src/devcluster/image/recipe.ts, what `npm run image` builds) kept consistent with what
// `fluxts install` deploys: the image name, `fluxts controller <name>` through the image's entrypoint, a numeric
// non-root user for runAsNonRoot, HOME and the temp dir on the /tmp emptyDir of a read-only root filesystem, the
// tools the controllers run, the files bin/fluxts.js loads — and that `npm ci --omit=dev` installs every package the
// sources import at run time. test/cluster/image.test.ts checks the built image itself.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { defaultInstallOptions, installObjects } from '../../src/cli/shared/install-manifests.ts';
import { IMAGE_REPOSITORY, VERSION } from '../../src/cli/shared/version.ts';
import * as recipe from '../../src/devcluster/image/recipe.ts';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
};

interface Container {
  image: string;
  args: string[];
  securityContext: { runAsNonRoot?: boolean; readOnlyRootFilesystem?: boolean };
  volumeMounts: { mountPath: string }[];
}

const containers = (): Container[] =>
  installObjects(defaultInstallOptions())
    .filter((o) => o.kind === 'Deployment')
    .map((d) => (d.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0]!);

test('install deploys the image `npm run image` builds, running `fluxts controller <name>`', () => {
  assert.equal(VERSION, pkg.version);
  assert.equal(IMAGE_REPOSITORY, recipe.IMAGE_NAME);
  assert.equal(pkg.scripts['image'], 'node scripts/image.ts');
  assert.deepEqual(recipe.ENTRYPOINT.slice(-2), ['/usr/local/bin/node', '/app/bin/fluxts.js']);
  assert.equal(recipe.ENTRYPOINT[0], '/usr/bin/tini');
  const all = containers();
  assert.ok(all.length >= 4);
  for (const c of all) {
    assert.equal(c.image, `${recipe.IMAGE_NAME}:v${VERSION}`);
    assert.equal(c.args[0], 'controller');
    assert.match(c.args[1] ?? '', /-controller$/);
  }
});

test('the image runs as a numeric non-root user with HOME on the /tmp emptyDir', () => {
  assert.match(recipe.USER, /^[1-9]\d*:\d+$/);
  assert.equal(recipe.ENV.HOME, '/tmp');
  assert.match(recipe.PASSWD, new RegExp(`^nobody:x:${recipe.USER}:`, 'm'));
  for (const c of containers()) {
    assert.equal(c.securityContext.runAsNonRoot, true);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.ok(c.volumeMounts.some((m) => m.mountPath === '/tmp'));
  }
});

test('the image has the programs the controllers run and the files bin/fluxts.js loads', () => {
  for (const p of ['git', 'openssh-client', 'gpg', 'tini', 'ca-certificates', 'libstdc++6']) {
    assert.ok((recipe.DEBIAN_PACKAGES as readonly string[]).includes(p), p);
  }
  for (const keep of ['package.json', 'bin/fluxts.js', 'src/cli/main.ts', 'src/controllers/source/setup.ts']) {
    assert.ok(recipe.isAppFile(keep), keep);
  }
  for (const drop of ['src/cli/commands/completion.test.ts', 'src/engines/kustomize/testdata/x.yaml', 'test/a.ts']) {
    assert.ok(!recipe.isAppFile(drop), drop);
  }
  // Nothing the trim removes is on the path of a program the controllers run.
  for (const t of recipe.TRIM)
    assert.ok(!['usr/bin/git', 'usr/bin/ssh', 'usr/bin/gpg', 'usr/lib/git-core/git-remote-http'].includes(t));
});

test('every package the sources import at run time is a production dependency (npm ci --omit=dev)', () => {
  const missing = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        // testdata is input, not code; src/ui/app is browser code that esbuild bundles into dist/ui/ at install
        // time (src/ui/bundle.ts), so Node never imports its packages at run time.
        if (name !== 'testdata' && p !== join(root, 'src', 'ui', 'app')) walk(p);
        continue;
      }
      if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
      const text = readFileSync(p, 'utf8');
      for (const m of text.matchAll(/^import (?!type )[^;]*? from '([^.'][^']*)';/gms)) {
        const spec = m[1] ?? '';
        if (spec.startsWith('node:')) continue;
        const pkgName = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? '');
        if (!(pkgName in pkg.dependencies)) missing.add(`${pkgName} (${p.slice(root.length + 1)})`);
      }
    }
  };
  // The controllers and the CLI; the dev cluster, benchmarks and tests are not in the image's job.
  for (const dir of readdirSync(join(root, 'src'))) {
    if (dir === 'devcluster') continue;
    const p = join(root, 'src', dir);
    if (statSync(p).isDirectory()) walk(p);
  }
  assert.deepEqual([...missing], []);
});
