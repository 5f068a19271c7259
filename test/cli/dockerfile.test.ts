// deploy/Dockerfile cannot be built here (no docker): these checks keep it consistent with what `fluxts install`
// deploys — the image name, `fluxts controller <name>` through the image's entrypoint, a numeric non-root user for
// runAsNonRoot, HOME and the temp dir on the /tmp emptyDir of a read-only root filesystem, the tools the
// controllers run — and make sure `npm ci --omit=dev` installs every package the sources import at run time.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { defaultInstallOptions, installObjects } from '../../src/cli/shared/install-manifests.ts';
import { IMAGE_REPOSITORY, VERSION } from '../../src/cli/shared/version.ts';

const root = join(import.meta.dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'deploy', 'Dockerfile'), 'utf8');
const ignore = readFileSync(join(root, 'deploy', 'Dockerfile.dockerignore'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
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

test('install deploys the image the Dockerfile documents, running `fluxts controller <name>`', () => {
  assert.equal(VERSION, pkg.version);
  const image = `${IMAGE_REPOSITORY}:v${VERSION}`;
  assert.match(dockerfile, /-t ghcr\.io\/fluxts\/fluxts:v\$\(node -p "require\('\.\/package\.json'\)\.version"\)/);
  assert.equal(IMAGE_REPOSITORY, 'ghcr.io/fluxts/fluxts');
  const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1];
  assert.deepEqual(JSON.parse(entrypoint ?? '[]'), ['/usr/bin/tini', '--', 'node', '/app/bin/fluxts.js']);
  const all = containers();
  assert.ok(all.length >= 4);
  for (const c of all) {
    assert.equal(c.image, image);
    assert.equal(c.args[0], 'controller');
    assert.match(c.args[1] ?? '', /-controller$/);
  }
});

test('the image runs as a numeric non-root user with HOME on the /tmp emptyDir', () => {
  assert.match(dockerfile, /^USER 65534:65534$/m);
  assert.match(dockerfile, /^ENV HOME=\/tmp /m);
  for (const c of containers()) {
    assert.equal(c.securityContext.runAsNonRoot, true);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.ok(c.volumeMounts.some((m) => m.mountPath === '/tmp'));
  }
});

test('the image has the programs the controllers run and the files bin/fluxts.js loads', () => {
  const apt = /apt-get install[^\n]*/.exec(dockerfile)?.[0] ?? '';
  for (const p of ['git', 'openssh-client', 'gnupg', 'tini', 'ca-certificates'])
    assert.match(apt, new RegExp(`\\b${p}\\b`));
  for (const copy of ['COPY bin ./bin', 'COPY src ./src', 'COPY package.json ./']) assert.ok(dockerfile.includes(copy));
  for (const keep of ['!package.json', '!package-lock.json', '!bin/**', '!src/**']) assert.ok(ignore.includes(keep));
});

test('every package the sources import at run time is a production dependency (npm ci --omit=dev)', () => {
  const missing = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'testdata') walk(p);
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
