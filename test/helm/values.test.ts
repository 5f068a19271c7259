import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { processDependencies } from '../../src/engines/helm/chart/dependencies.ts';
import { nodeChartFileSystem } from '../../src/engines/helm/chart/fs.ts';
import { lockJson, metadataJson } from '../../src/engines/helm/chart/json.ts';
import { loadChart } from '../../src/engines/helm/chart/load.ts';
import type { Chart } from '../../src/engines/helm/chart/types.ts';
import { coalesceValues } from '../../src/engines/helm/values/coalesce.ts';
import { mergeValues, type ValueOptions } from '../../src/engines/helm/values/options.ts';
import { HelmRef } from './helmref.ts';
import { typed } from './typed.ts';

/**
 * Differential tests of the values pipeline of `helm template` (user values, dependency processing with
 * conditions, tags, aliases and import-values, coalescing with globals and nulls) against Helm v4.2.4.
 */

function describeChart(c: Chart): unknown {
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

type Tree = Record<string, string>;

const chart = (name: string, extra = ''): string => `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n${extra}`;

const CHARTS: Record<string, Tree> = {
  globals: {
    'Chart.yaml': chart('parent', 'dependencies:\n  - name: child\n    version: 1.x\n    repository: ""\n'),
    'values.yaml':
      'global:\n  region: eu\n  image: {registry: r.example, pullPolicy: Always}\n  list: [1]\nchild:\n  fromParent: yes\n  replicas: 3\nown: 1\nnulled: ~\n',
    'charts/child/Chart.yaml': chart(
      'child',
      'dependencies:\n  - name: grandchild\n    version: "*"\n    repository: ""\n',
    ),
    'charts/child/values.yaml':
      'global:\n  region: us\n  image: {tag: "1.0", registry: child.example}\n  childOnly: x\nreplicas: 1\nlocal: {a: 1, b: ~}\ngrandchild: {g: 1}\n',
    'charts/child/charts/grandchild/Chart.yaml': chart('grandchild'),
    'charts/child/charts/grandchild/values.yaml': 'global: {deep: true, region: gc}\ng: 0\nh: 2\n',
  },
  conditions: {
    'Chart.yaml': chart(
      'parent',
      'dependencies:\n' +
        '  - {name: a, version: 1.0.0, repository: "", condition: a.enabled}\n' +
        '  - {name: b, version: ">=1", repository: "", condition: "missing.flag,b.on", tags: [front]}\n' +
        '  - {name: c, version: 1.0.0, repository: "", tags: [back, front]}\n' +
        '  - {name: d, version: "2.x", repository: ""}\n',
    ),
    'values.yaml': 'a: {enabled: false}\nb: {on: true}\ntags: {back: false}\n',
    'charts/a/Chart.yaml': chart('a'),
    'charts/a/values.yaml': 'enabled: true\nx: a\n',
    'charts/b/Chart.yaml': chart('b'),
    'charts/c/Chart.yaml': chart('c'),
    'charts/d/Chart.yaml': chart('d'),
    'charts/extra/Chart.yaml': chart('extra'),
    'charts/extra/values.yaml': 'undeclared: kept\n',
  },
  aliases: {
    'Chart.yaml': chart(
      'parent',
      'dependencies:\n' +
        '  - {name: db, version: 1.0.0, repository: "", alias: primary}\n' +
        '  - {name: db, version: 1.0.0, repository: "", alias: replica, condition: replica.enabled}\n' +
        '  - {name: db, version: 1.0.0, repository: ""}\n',
    ),
    'values.yaml': 'primary: {port: 1}\nreplica: {enabled: true, port: 2}\n',
    'charts/db/Chart.yaml': chart('db'),
    'charts/db/values.yaml': 'port: 5432\nname: db\n',
  },
  imports: {
    'Chart.yaml': chart(
      'parent',
      'dependencies:\n' +
        '  - name: lib\n    version: 1.0.0\n    repository: ""\n    import-values:\n' +
        '      - data\n      - {child: config.nested, parent: imported}\n      - {child: missing, parent: x}\n' +
        '      - {child: config, parent: .}\n      - 42\n',
    ),
    'values.yaml': 'imported: {override: parent}\nlevel: parent\n',
    'charts/lib/Chart.yaml': chart('lib'),
    'charts/lib/values.yaml':
      'exports:\n  data: {exported: true, level: lib}\nconfig:\n  nested: {override: child, kept: 1}\n  top: 2\n',
  },
  library: {
    'Chart.yaml': chart('app', 'dependencies:\n  - {name: common, version: 2.x, repository: ""}\n'),
    'values.yaml': 'global: {labels: {team: a}}\n',
    'charts/common/Chart.yaml': chart('common', 'type: library\n').replace('1.0.0', '2.1.0'),
    'charts/common/values.yaml': 'global: {labels: {lib: b}}\nexports: {defaults: {x: 1}}\n',
  },
  mismatch: {
    'Chart.yaml': chart('parent'),
    'charts/sub/Chart.yaml': chart('sub'),
  },
};

const VALUE_SETS: Record<string, ValueOptions[]> = {
  globals: [
    {},
    { values: ['global.region=ap', 'child.replicas=null', 'nulled=5'] },
    { valueFiles: ['user.yaml'] },
    { jsonValues: ['{"global":{"image":null},"child":{"local":{"a":null}}}'] },
  ],
  conditions: [
    {},
    { values: ['a.enabled=true', 'tags.front=false'] },
    { values: ['tags.back=true', 'b.on=false'] },
    { values: ['a.enabled=notbool'] },
  ],
  aliases: [{}, { values: ['replica.enabled=false'] }, { stringValues: ['primary.port=10'] }],
  imports: [{}, { values: ['imported.kept=9'] }],
  library: [{}, { literalValues: ['global.labels.env=a,b'] }],
  mismatch: [{ values: ['sub=scalar'] }, { values: ['sub={a,b}'] }],
};

const USER_FILE = 'global:\n  image: {pullPolicy: Never}\nchild:\n  local: {b: set, c: ~}\n  grandchild: {h: ~}\n';

describe('values pipeline matches Helm v4.2.4', () => {
  let ref: HelmRef;
  let root: string;
  before(async () => {
    ref = await HelmRef.start();
    root = mkdtempSync(join(tmpdir(), 'fluxts-helm-values-'));
  });
  after(() => {
    ref.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('coalesces user values with processed dependencies', async () => {
    const failures: string[] = [];
    writeFileSync(join(root, 'user.yaml'), USER_FILE);
    for (const [name, tree] of Object.entries(CHARTS)) {
      const dir = join(root, name);
      for (const [p, content] of Object.entries(tree)) {
        mkdirSync(dirname(join(dir, p)), { recursive: true });
        writeFileSync(join(dir, p), content);
      }
      for (const opts of VALUE_SETS[name] ?? [{}]) {
        const files = (opts.valueFiles ?? []).map((f) => join(root, f));
        const options = { ...opts, valueFiles: files };
        const want = await ref.ask({
          op: 'pipeline',
          text: dir,
          values: {
            ValueFiles: files,
            Values: opts.values ?? [],
            StringValues: opts.stringValues ?? [],
            JSONValues: opts.jsonValues ?? [],
            LiteralValues: opts.literalValues ?? [],
          },
        });
        let got: { value: string } | { error: string };
        try {
          const config = mergeValues(options, (p) => readFileSync(p, 'utf8'));
          const c = loadChart(nodeChartFileSystem, dir);
          processDependencies(c, config);
          const values = coalesceValues(c, config);
          got = { value: JSON.stringify({ config: typed(config), values: typed(values), chart: describeChart(c) }) };
        } catch (err) {
          got = { error: (err as Error).message };
        }
        const norm = (r: { value: string } | { error: string }): unknown => ('value' in r ? JSON.parse(r.value) : r);
        try {
          assert.deepEqual(norm(got), norm(want));
        } catch {
          failures.push(
            `${name} ${JSON.stringify(opts)}\n  want ${JSON.stringify(want)}\n  got  ${JSON.stringify(got)}`,
          );
        }
      }
    }
    assert.deepEqual(failures, []);
  });
});
