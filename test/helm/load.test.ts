import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';

import { nodeChartFileSystem } from '../../src/engines/helm/chart/fs.ts';
import { lockJson, metadataJson } from '../../src/engines/helm/chart/json.ts';
import { loadChart } from '../../src/engines/helm/chart/load.ts';
import type { Chart } from '../../src/engines/helm/chart/types.ts';
import { HelmRef } from './helmref.ts';
import { typed } from './typed.ts';

/** Differential tests of chart loading (directories and archives) against Helm v4.2.4's loader. */

interface Desc {
  metadata: unknown;
  lock: unknown;
  templates: string[];
  files: string[];
  values: string;
  schema: string | null;
  deps: Desc[];
}

function describeChart(c: Chart): Desc {
  return {
    metadata: JSON.parse(metadataJson(c.metadata)) as unknown,
    lock: JSON.parse(lockJson(c.lock)) as unknown,
    templates: c.templates.map((f) => f.name),
    files: c.files.map((f) => f.name),
    values: c.values === null ? 'nil' : typed(c.values),
    schema: c.schema === null ? null : Buffer.from(c.schema).toString('utf8'),
    deps: [...c.dependencies].sort((a, b) => (a.name < b.name ? -1 : 1)).map(describeChart),
  };
}

type Tree = Record<string, string | { symlink: string }>;

const CHART = 'apiVersion: v2\nname: demo\nversion: 0.1.0\n';

const DIRS: Record<string, Tree> = {
  basic: {
    'Chart.yaml': CHART,
    'values.yaml': 'replicas: 2\nimage: {tag: "1.0"}\n',
    'templates/deployment.yaml': 'kind: Deployment\n',
    'templates/_helpers.tpl': '{{ define "x" }}{{ end }}',
    'templates/.hidden': 'x',
    'templates/sub/.also-hidden': 'x',
    'README.md': '# readme',
    'crds/crd.yaml': 'kind: CustomResourceDefinition\n',
    'files/config.ini': 'a=1',
    'values.schema.json': '{"type":"object"}',
    '.helmignore': '# comment\n*.md\n/files/\n',
  },
  coercion: {
    'Chart.yaml':
      'apiVersion: v2\nname: coerce\nversion: 2.0\nappVersion: 1.10\nkubeVersion: ">=1.20"\ndescription: 5\n' +
      'keywords: [a, 1, true]\nannotations: {a: 1.5, b: yes, c: 0x10}\ndeprecated: true\n' +
      'maintainers:\n  - name: me\n    email: me@example.com\n  - {name: "you\\tthere\\u0007"}\nsources: [https://x]\n' +
      'home: "  home\\u00a0page "\nicon: icon.png\ntype: application\n',
  },
  requirements: {
    'Chart.yaml': 'apiVersion: v1\nname: old\nversion: 1.0.0\n',
    'requirements.yaml':
      'dependencies:\n  - name: sub\n    version: "~1.0"\n    repository: file://charts/sub\n    alias: other\n    import-values: [data]\n    tags: [t1]\n',
    'requirements.lock': 'generated: "2020-01-02T03:04:05.1+01:00"\ndigest: sha256:abc\ndependencies: []\n',
    'charts/sub/Chart.yaml': 'apiVersion: v1\nname: sub\nversion: 1.0.3\n',
    'charts/sub/values.yaml': 'x: 1\n',
    'charts/sub/templates/a.yaml': 'a: 1\n',
    'charts/_ignored/Chart.yaml': 'bad: [',
    'charts/.hidden/Chart.yaml': 'bad: [',
    'charts/sub.prov': 'signature',
  },
  nested: {
    'Chart.yaml':
      CHART + 'dependencies:\n  - name: mid\n    version: 1.x\n    repository: ""\n    condition: mid.enabled\n',
    'Chart.lock': 'generated: "2024-05-06T07:08:09Z"\ndigest: d\n',
    'charts/mid/Chart.yaml': 'apiVersion: v2\nname: mid\nversion: 1.2.0\n',
    'charts/mid/charts/leaf/Chart.yaml': 'apiVersion: v2\nname: leaf\nversion: 3.0.0\ntype: library\n',
    'charts/mid/charts/leaf/templates/_lib.tpl': '{{- define "lib" }}x{{ end }}',
    'charts/mid/.helmignore': '*.txt\n',
    'charts/mid/notes.txt': 'kept: subchart .helmignore is not applied',
  },
  symlinks: {
    'Chart.yaml': CHART,
    'templates/real.yaml': 'a: 1\n',
    'templates/link.yaml': { symlink: 'real.yaml' },
    shared: { symlink: '../shared-target' },
    '../shared-target/data.txt': 'shared data',
  },
  ignoreNegation: {
    'Chart.yaml': CHART,
    '.helmignore': '!templates/\n',
    'templates/a.yaml': 'a: 1\n',
    'other.txt': 'x',
  },
  ignoreDirOnly: {
    'Chart.yaml': CHART,
    '.helmignore': 'tmp/\nfoo*\n[bc].txt\n\\#x\n',
    'tmp/x': 'x',
    'dir/tmp': 'file named tmp is kept',
    foobar: 'x',
    'b.txt': 'x',
    'd.txt': 'x',
    '#x': 'x',
  },
  bom: {
    'Chart.yaml': '\ufeff' + CHART,
    'values.yaml': '\ufeffa: 1\n',
    'templates/x.yaml': '\ufeffkind: X\n',
  },
  multiDocValues: { 'Chart.yaml': CHART, 'values.yaml': 'a: 1\n---\nb: 2\n---\na: 3\n' },
  noValues: { 'Chart.yaml': CHART, 'templates/x.yaml': 'x: 1\n' },
};

const FAILING: Record<string, Tree> = {
  noChartYaml: { 'values.yaml': 'a: 1\n' },
  badChartYaml: { 'Chart.yaml': 'apiVersion: v2\nname: [\n' },
  noVersion: { 'Chart.yaml': 'apiVersion: v2\nname: x\n' },
  badVersion: { 'Chart.yaml': 'apiVersion: v2\nname: x\nversion: one\n' },
  badName: { 'Chart.yaml': 'apiVersion: v2\nname: a/b\nversion: 1.0.0\n' },
  dotName: { 'Chart.yaml': 'apiVersion: v2\nname: ..\nversion: 1.0.0\n' },
  badType: { 'Chart.yaml': CHART + 'type: plugin\n' },
  nullMaintainer: { 'Chart.yaml': CHART + 'maintainers: [~]\n' },
  badAlias: { 'Chart.yaml': CHART + 'dependencies: [{name: a, alias: "a b"}]\n' },
  duplicateDep: { 'Chart.yaml': CHART + 'dependencies: [{name: a}, {name: b, alias: a}]\n' },
  deprecatedString: { 'Chart.yaml': CHART + 'deprecated: "yes"\n' },
  maintainersString: { 'Chart.yaml': CHART + 'maintainers: me\n' },
  maintainerList: { 'Chart.yaml': CHART + 'maintainers: [[a]]\n' },
  badValues: { 'Chart.yaml': CHART, 'values.yaml': '- a\n' },
  badValuesYaml: { 'Chart.yaml': CHART, 'values.yaml': 'a: b: c\n' },
  badSeparator: { 'Chart.yaml': CHART, 'values.yaml': 'a: 1\n---x\n' },
  unsupported: { 'Chart.yaml': 'apiVersion: v9\nname: x\nversion: 1.0.0\n' },
  v3chart: { 'Chart.yaml': 'apiVersion: v3\nname: x\nversion: 1.0.0\n' },
  doubleStar: { 'Chart.yaml': CHART, '.helmignore': 'a/**/b\n' },
  badPattern: { 'Chart.yaml': CHART, '.helmignore': '[\n' },
  badSubchart: { 'Chart.yaml': CHART, 'charts/sub/Chart.yaml': 'apiVersion: v2\nname: sub\n' },
  badSubValues: { 'Chart.yaml': CHART, 'charts/sub/Chart.yaml': CHART, 'charts/sub/values.yaml': 'x\n' },
  brokenSymlink: { 'Chart.yaml': CHART, 'templates/missing.yaml': { symlink: 'nowhere.yaml' } },
};

function writeTree(root: string, tree: Tree): void {
  for (const [path, content] of Object.entries(tree)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    if (typeof content === 'string') writeFileSync(full, content);
    else symlinkSync(content.symlink, full);
  }
}

/** tarball builds a gzipped tar from entries (name, content, type), for hostile archives the tar CLI won't make. */
function tarball(entries: { name: string; content?: string; type?: string; size?: number }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.content ?? '');
    const h = Buffer.alloc(512);
    h.write(e.name, 0, 100, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write((e.size ?? body.length).toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write(e.type ?? '0', 156);
    h.write('ustar\x0000', 257);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

describe('chart loading matches Helm v4.2.4', () => {
  let ref: HelmRef;
  let root: string;
  before(async () => {
    ref = await HelmRef.start();
    root = mkdtempSync(join(tmpdir(), 'fluxts-helm-load-'));
  });
  after(() => {
    ref.close();
    rmSync(root, { recursive: true, force: true });
  });

  const compare = async (path: string, failures: string[]): Promise<void> => {
    const want = await ref.ask({ op: 'loadchart', text: path });
    let got: { value: string } | { error: string };
    try {
      got = { value: JSON.stringify(describeChart(loadChart(nodeChartFileSystem, path))) };
    } catch (err) {
      got = { error: (err as Error).message };
    }
    const norm = (r: { value: string } | { error: string }): unknown =>
      'value' in r ? { value: JSON.parse(r.value) as unknown } : r;
    try {
      assert.deepEqual(norm(got), norm(want));
    } catch {
      failures.push(`${path}\n  want ${JSON.stringify(want)}\n  got  ${JSON.stringify(got)}`);
    }
  };

  it('loads chart directories (ignore rules, symlinks, subcharts, coercion, requirements)', async () => {
    const failures: string[] = [];
    for (const [name, tree] of Object.entries(DIRS)) {
      const dir = join(root, 'dirs', name, 'chart');
      writeTree(dir, tree);
      await compare(dir, failures);
    }
    assert.deepEqual(failures, []);
  });

  it('fails broken charts with Helm messages', async () => {
    const failures: string[] = [];
    for (const [name, tree] of Object.entries(FAILING)) {
      const dir = join(root, 'failing', name);
      writeTree(dir, tree);
      await compare(dir, failures);
    }
    assert.deepEqual(failures, []);
  });

  it('loads packaged charts and refuses hostile archives', async () => {
    const failures: string[] = [];
    const pkg = join(root, 'pkg');
    writeTree(join(pkg, 'src', 'demo'), DIRS['basic']!);
    mkdirSync(join(pkg, 'src', 'demo', 'charts'), { recursive: true });
    const packed = join(root, 'packed-sub');
    writeTree(join(packed, 'packed'), {
      'Chart.yaml': 'apiVersion: v2\nname: packed\nversion: 1.0.0\n',
      'values.yaml': 'p: 1\n',
    });
    execFileSync('tar', ['czf', join(pkg, 'src', 'demo', 'charts', 'packed-1.0.0.tgz'), '-C', packed, 'packed']);
    execFileSync('tar', ['czf', join(pkg, 'demo-0.1.0.tgz'), '-C', join(pkg, 'src'), 'demo']);
    await compare(join(pkg, 'demo-0.1.0.tgz'), failures);
    const hostile: Record<string, Buffer> = {
      'dotdot.tgz': tarball([
        { name: 'x/Chart.yaml', content: CHART },
        { name: 'x/../../etc/passwd', content: 'root' },
      ]),
      'absolute.tgz': tarball([{ name: 'x//etc/passwd', content: 'root' }]),
      'toplevel.tgz': tarball([{ name: 'Chart.yaml', content: CHART }]),
      'drive.tgz': tarball([{ name: 'x/c:/windows', content: 'x' }]),
      'symlink.tgz': tarball([
        { name: 'x/Chart.yaml', content: CHART },
        { name: 'x/templates/l.yaml', type: '2' },
      ]),
      'nochart.tgz': tarball([{ name: 'x/values.yaml', content: 'a: 1\n' }]),
      'empty.tgz': tarball([]),
      'bigfile.tgz': tarball([
        { name: 'x/Chart.yaml', content: CHART },
        { name: 'x/big', content: '', size: 6 * 1024 * 1024 },
      ]),
      'backslash.tgz': tarball([
        { name: 'x\\Chart.yaml', content: CHART },
        { name: 'x\\templates\\a.yaml', content: 'a: 1\n' },
      ]),
      // Every file under the 5 MiB limit, but 104 MiB in all: over Helm's 100 MiB for a decompressed chart.
      'toobig.tgz': tarball([
        { name: 'x/Chart.yaml', content: CHART },
        ...Array.from({ length: 26 }, (_, i) => ({ name: `x/files/f${i}`, content: '\0'.repeat(4 * 1024 * 1024) })),
      ]),
      'notgzip.tgz': Buffer.from('just text, not an archive at all\n'),
      'values.yaml': Buffer.from('a: 1\n'),
      'corrupt.tgz': Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('garbage')]),
    };
    for (const [name, data] of Object.entries(hostile)) {
      const file = join(pkg, name);
      writeFileSync(file, data);
      await compare(file, failures);
    }
    assert.deepEqual(failures, []);
  });
});
