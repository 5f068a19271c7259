// kustomize's load restrictor on the real disk: a kustomization reads files in or below its own directory only,
// by name and after resolving symbolic links (kustomize's RestrictionRootOnly), and no read of a device or a huge
// file runs away. Flux's generated kustomization does not enter linked directories.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { build, KustomizeBuildError, nodeFileSystem } from './index.ts';

let root = '';
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'fluxts-restrictor-'));
  await mkdir(join(root, 'k'));
  await mkdir(join(root, 'outside'));
  await writeFile(join(root, 'outside/secret.yaml'), cm('generated-secret'));
  await writeFile(
    join(root, 'outside/replacements.yaml'),
    '- source: {kind: ConfigMap, fieldPath: data.k}\n  targets: []\n',
  );
  await writeFile(join(root, 'outside/config.yaml'), 'namePrefix: []\n');
  await writeFile(join(root, 'outside/schema.json'), '{"definitions": {}}');
  await writeFile(join(root, 'k/cm.yaml'), cm('ok'));
});
after(() => rm(root, { recursive: true, force: true }));

function cm(name: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: v\n`;
}

async function buildDir(dir: string, kustomization: string, links: Record<string, string> = {}): Promise<string> {
  const k = join(root, dir);
  await mkdir(k, { recursive: true });
  await writeFile(join(k, 'kustomization.yaml'), kustomization);
  for (const [name, target] of Object.entries(links)) await symlink(target, join(k, name));
  try {
    return build(k, { fs: nodeFileSystem }).yaml;
  } catch (err) {
    if (err instanceof KustomizeBuildError) return `error: ${err.diagnostics.map((d) => d.message).join('; ')}`;
    if (err instanceof Error) return `thrown: ${err.message}`;
    throw err;
  }
}

const refused = /security; file '[^']+' is not in or below '[^']+'/u;

void test('a resource file linked out of the root is refused, a link inside the root is read', async () => {
  assert.match(await buildDir('res-out', 'resources:\n- cm.yaml\n', { 'cm.yaml': '../outside/secret.yaml' }), refused);
  assert.match(
    await buildDir('res-in', 'resources:\n- link.yaml\n', { 'real.yaml': '../k/cm.yaml', 'link.yaml': 'real.yaml' }),
    refused,
    'the chain ends outside the root',
  );
  await mkdir(join(root, 'res-ok'), { recursive: true });
  await writeFile(join(root, 'res-ok/real.yaml'), cm('inside'));
  assert.match(await buildDir('res-ok', 'resources:\n- link.yaml\n', { 'link.yaml': 'real.yaml' }), /name: inside/u);
});

void test('generator files, replacements, configurations, openapi and targetFilePath obey the restrictor', async () => {
  const cases: [string, string, Record<string, string>][] = [
    ['gen', 'configMapGenerator:\n- name: x\n  files:\n  - s.yaml\n', { 's.yaml': '../outside/secret.yaml' }],
    ['env', 'secretGenerator:\n- name: x\n  envs:\n  - s.env\n', { 's.env': '../outside/secret.yaml' }],
    ['res-lexical', 'resources:\n- ../k/cm.yaml\n', {}],
    ['repl', 'replacements:\n- path: ../outside/replacements.yaml\n', {}],
    ['repl-link', 'replacements:\n- path: r.yaml\n', { 'r.yaml': '../outside/replacements.yaml' }],
    ['conf', 'configurations:\n- ../outside/config.yaml\n', {}],
    ['conf-link', 'configurations:\n- c.yaml\n', { 'c.yaml': '../outside/config.yaml' }],
  ];
  for (const [dir, kustomization, links] of cases) {
    assert.match(await buildDir(dir, kustomization, links), refused, dir);
  }
  assert.match(
    await buildDir('openapi', 'openapi:\n  path: s.json\n', { 's.json': '../outside/schema.json' }),
    /openapi: file 's.json' does not exist/u,
  );
  assert.match(
    await buildDir(
      'valueadd',
      'resources:\n- cm.yaml\ntransformers:\n- |-\n  apiVersion: builtin\n  kind: ValueAddTransformer\n  metadata: {name: v}\n  targetFilePath: t.yaml\n',
      { 'cm.yaml': '../k/cm.yaml', 't.yaml': '../outside/config.yaml' },
    ),
    refused,
  );
});

void test('a link to /dev/zero fails at once instead of reading until memory runs out', async () => {
  const started = performance.now();
  const out = await buildDir('zero', 'resources:\n- zero.yaml\n', { 'zero.yaml': '/dev/zero' });
  assert.match(out, /^error: /u);
  assert.ok(performance.now() - started < 10_000);
  const gen = await buildDir('zero-gen', 'configMapGenerator:\n- name: x\n  files:\n  - z\n', { z: '/dev/zero' });
  assert.match(gen, /^error: /u);
});

void test("Flux's generated kustomization does not enter linked directories (two links to '.' were exponential)", async () => {
  const dir = join(root, 'gen-loop');
  await mkdir(join(dir, 'apps'), { recursive: true });
  await writeFile(join(dir, 'apps/cm.yaml'), cm('app'));
  await symlink('.', join(dir, 'apps/loop1'));
  await symlink('.', join(dir, 'apps/loop2'));
  await symlink('..', join(dir, 'apps/up'));
  const started = performance.now();
  const { yaml } = build(dir, { fs: nodeFileSystem, generateMissing: true });
  assert.equal(yaml, 'apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  name: app\n');
  assert.ok(performance.now() - started < 10_000);
});
