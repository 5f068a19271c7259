// Chart packaging (engines/helm chartArchiveEntries + the HelmChart controller's packageChart) against the real
// helm v4.2.4 `helm package` on the same directories: the same entries in the same order, byte-identical files
// (Chart.yaml and Chart.lock re-marshalled, values.yaml raw, subcharts expanded under charts/), Helm's gzip header.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { packageChart } from '../../src/controllers/source/helmchart/package.ts';
import { loadChart, nodeChartFileSystem } from '../../src/engines/helm/index.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';
import { helmBinary, runHelm } from './reference.ts';

let helm: string;
let work: string;

before(
  async () => {
    helm = await helmBinary();
    work = mkdtempSync(join(tmpdir(), 'fluxts-helm-package-'));
  },
  { timeout: 20 * 60_000 },
);
after(() => rmSync(work, { recursive: true, force: true }));

/** helmPackage runs `helm package <dir>` and returns the archive's bytes. */
function helmPackage(dir: string): Buffer {
  const out = join(work, `out-${readdirSync(work).length}`);
  mkdirSync(out);
  const r = runHelm(helm, ['package', dir, '-d', out], { home: work });
  assert.equal(r.status, 0, r.stderr);
  const [file] = readdirSync(out);
  return readFileSync(join(out, file!));
}

/** entries lists an archive's files in order with their contents (GNU tar reads it, as any user would). */
function entries(archive: Buffer): { names: string[]; read: (name: string) => Buffer } {
  const file = join(work, `a-${readdirSync(work).length}.tgz`);
  writeFileSync(file, archive);
  const names = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const dir = join(work, `x-${readdirSync(work).length}`);
  mkdirSync(dir);
  execFileSync('tar', ['-xzf', file, '-C', dir]);
  return { names, read: (name) => readFileSync(join(dir, name)) };
}

function assertSamePackage(dir: string): string[] {
  const theirs = entries(helmPackage(dir));
  const oursBytes = packageChart(loadChart(nodeChartFileSystem, dir));
  const ours = entries(oursBytes);
  assert.deepEqual(ours.names, theirs.names);
  for (const name of theirs.names) assert.equal(ours.read(name).toString(), theirs.read(name).toString(), name);
  // Helm's gzip header: FEXTRA and FCOMMENT set, the comment "Helm".
  assert.equal(oursBytes[3], 4 | 16);
  assert.ok(oursBytes.includes(Buffer.from('Helm\0')));
  return theirs.names;
}

describe('chart packaging matches helm package', () => {
  test('podinfo: Chart.yaml re-marshalled, values.yaml raw, every template and file', () => {
    const names = assertSamePackage(join(SHARED_FIXTURES, 'podinfo', 'charts', 'podinfo'));
    assert.ok(names.includes('podinfo/values-prod.yaml'));
    assert.equal(names[0], 'podinfo/Chart.yaml');
  });

  test('a chart with a packaged subchart, Chart.lock, schema, .helmignore and a v1 chart', () => {
    const lib = join(work, 'lib');
    mkdirSync(join(lib, 'templates'), { recursive: true });
    writeFileSync(join(lib, 'Chart.yaml'), 'apiVersion: v2\nname: lib\nversion: 0.2.0\ndescription: "a: b"\n');
    writeFileSync(join(lib, 'values.yaml'), '# defaults\nreplicas: 2\n');
    writeFileSync(join(lib, 'templates', 'cm.yaml'), 'kind: ConfigMap\n');
    const app = join(work, 'app');
    mkdirSync(join(app, 'charts'), { recursive: true });
    mkdirSync(join(app, 'templates'));
    mkdirSync(join(app, 'ci'));
    writeFileSync(
      join(app, 'Chart.yaml'),
      [
        'apiVersion: v2',
        'name: app',
        'version: 1.0.0-rc.1',
        'appVersion: "2.0"',
        'keywords: [web, "yes"]',
        'maintainers:',
        '  - name: Ops',
        '    email: ops@example.com',
        'annotations:',
        '  example.com/z: "1"',
        '  example.com/a: on',
        'dependencies:',
        '  - name: lib',
        '    version: ">=0.1.0"',
        '    repository: file://../lib',
        '    alias: shared',
        '    import-values: [data]',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(app, 'Chart.lock'),
      'dependencies:\n- name: lib\n  repository: file://../lib\n  version: 0.2.0\ndigest: sha256:0123\ngenerated: "2026-01-02T03:04:05.123456789Z"\n',
    );
    writeFileSync(join(app, 'values.yaml'), 'image: nginx # the image\n');
    writeFileSync(join(app, 'values.schema.json'), '{"type": "object"}\n');
    writeFileSync(join(app, 'templates', 'deploy.yaml'), 'kind: Deployment\n');
    writeFileSync(join(app, 'templates', 'NOTES.txt'), 'hi\n');
    writeFileSync(join(app, 'ci', 'values.yaml'), 'x: 1\n');
    writeFileSync(join(app, 'secret.txt'), 'ignored\n');
    writeFileSync(join(app, '.helmignore'), 'secret.txt\n');
    const pkg = helmPackage(lib);
    writeFileSync(join(app, 'charts', 'lib-0.2.0.tgz'), pkg);
    const names = assertSamePackage(app);
    assert.ok(names.includes('app/charts/lib/Chart.yaml'), names.join(' '));
    assert.ok(!names.some((n) => n.endsWith('secret.txt')));

    const v1 = join(work, 'legacy');
    cpSync(lib, v1, { recursive: true });
    writeFileSync(join(v1, 'Chart.yaml'), 'apiVersion: v1\nname: legacy\nversion: 1.2.3\n');
    writeFileSync(join(v1, 'requirements.yaml'), 'dependencies: []\n');
    assertSamePackage(v1);
  });
});
