import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  decodeRelease,
  encodeRelease,
  finishHook,
  hooksFor,
  loadChart,
  mergeValues,
  newRelease,
  nodeChartFileSystem,
  parseReleaseJson,
  releaseFromSecret,
  releaseJson,
  releaseSecret,
  renderChart,
  ReleaseDecodeError,
  ReleaseLabelError,
  startHook,
  type ValueOptions,
} from '../../src/engines/helm/index.ts';
import { sprigFunctions } from '../../src/engines/sprig/index.ts';
import { HelmRef } from './helmref.ts';

/**
 * Release records against Helm v4.2.4's own Secret storage driver: helmref installs a chart with Helm's install
 * action into a fake cluster and returns the Secret it wrote. fluxts must (1) read it back and re-encode the
 * identical JSON, (2) build the identical record from its own render of the same chart, and (3) write a Secret
 * Helm's driver reads back into the same release.
 */

process.env['TZ'] = 'UTC';

const CORPUS = join(import.meta.dirname, 'corpus');
const RELEASE_CHARTS = join(import.meta.dirname, 'release-charts');

interface HelmSecret {
  name: string;
  labels: Record<string, string>;
  type: string;
  release: string;
}

interface Case {
  name: string;
  chart: string;
  release: string;
  namespace: string;
  values?: ValueOptions;
  labels?: Record<string, string>;
}

const CASES: Case[] = [
  { name: 'hooks, notes, files, schema', chart: join(RELEASE_CHARTS, 'hooked'), release: 'web', namespace: 'apps' },
  {
    name: 'user values of every kind and user labels',
    chart: join(RELEASE_CHARTS, 'hooked'),
    release: 'web2',
    namespace: 'default',
    values: { values: ['replicas=3,extra.list={a,b},extra.n=null'], stringValues: ['image.tag=1.28'] },
    labels: { team: 'platform', 'example.com/tier': 'web' },
  },
  { name: 'subcharts and globals', chart: join(CORPUS, 'library-globals/chart'), release: 'lib', namespace: 'x' },
  { name: 'test hooks', chart: join(CORPUS, 'basic-app/chart'), release: 'basic', namespace: 'apps' },
];

describe('release records match Helm v4.2.4 storage', () => {
  let ref: HelmRef;
  before(async () => {
    ref = await HelmRef.start();
  });
  after(() => ref.close());

  async function helmInstall(c: Case): Promise<HelmSecret> {
    const r = await ref.ask({
      op: 'install',
      text: c.chart,
      inputs: [c.release, c.namespace],
      labels: c.labels ?? {},
      values: {
        ValueFiles: c.values?.valueFiles ?? [],
        Values: c.values?.values ?? [],
        StringValues: c.values?.stringValues ?? [],
      },
    });
    assert.ok('value' in r, `helm install failed: ${'error' in r ? r.error : ''}`);
    const secrets = JSON.parse(r.value) as HelmSecret[];
    assert.equal(secrets.length, 1);
    return secrets[0]!;
  }

  for (const c of CASES) {
    it(c.name, async () => {
      const theirs = await helmInstall(c);
      const helmJson = gunzipSync(Buffer.from(theirs.release, 'base64')).toString('utf8');

      // (1) Helm's record read back and re-encoded.
      const read = releaseFromSecret({
        metadata: { name: theirs.name, labels: theirs.labels },
        data: { release: Buffer.from(theirs.release).toString('base64') },
      });
      assert.equal(releaseJson(read), helmJson);
      assert.deepEqual(read.labels, c.labels ?? {});

      // (2) The same record from fluxts' render.
      const chart = loadChart(nodeChartFileSystem, c.chart);
      const config = mergeValues(c.values ?? {}, () => {
        throw new Error('no files');
      });
      const rendered = renderChart(chart, config, {
        name: c.release,
        namespace: c.namespace,
        functions: sprigFunctions({ localZone: 'UTC' }),
      });
      const ours = newRelease(rendered, {
        version: 1,
        status: 'deployed',
        description: 'Install complete',
        firstDeployed: read.info.firstDeployed!,
        lastDeployed: read.info.lastDeployed!,
        applyMethod: 'ssa',
        labels: c.labels ?? {},
      });
      // Hooks ran in Helm's fake cluster, in hooksFor's order; their times are Helm's.
      assert.equal(ours.hooks.length, read.hooks.length);
      for (const event of ['pre-install', 'post-install']) {
        for (const h of hooksFor(ours, event)) {
          const run = read.hooks[ours.hooks.indexOf(h)]!.lastRun;
          startHook(h, run.startedAt!);
          finishHook(h, run.completedAt!, true);
        }
      }
      assert.equal(releaseJson(ours), helmJson);

      // (3) fluxts' Secret read by Helm's driver.
      const secret = releaseSecret(ours, { created: true }, new Date());
      assert.equal(secret.metadata.name, theirs.name);
      assert.equal(secret.type, theirs.type);
      const { createdAt, ...labels } = secret.metadata.labels;
      const { modifiedAt, ...helmLabels } = theirs.labels;
      assert.match(createdAt ?? '', /^\d+$/);
      assert.match(modifiedAt ?? '', /^\d+$/);
      assert.deepEqual(labels, helmLabels);
      const stored = Buffer.from(secret.data.release, 'base64').toString('utf8');
      // Go's gzip header at best compression: mtime 0, XFL 2, OS unknown.
      assert.deepEqual(
        [...Buffer.from(stored, 'base64').subarray(0, 10)],
        [...Buffer.from(theirs.release, 'base64').subarray(0, 10)],
      );
      const back = await ref.ask({
        op: 'decodeSecret',
        text: stored,
        inputs: [secret.metadata.name, c.namespace],
        labels: secret.metadata.labels,
      });
      assert.ok('value' in back, `helm could not read the record: ${'error' in back ? back.error : ''}`);
      const helmRead = JSON.parse(back.value) as { json: string; labels: Record<string, string> | null };
      assert.equal(helmRead.json, helmJson);
      assert.deepEqual(helmRead.labels ?? {}, c.labels ?? {});
    });
  }

  it('reads Helm v3 records (zero times as "") and plain JSON without gzip', () => {
    const v3 =
      '{"name":"a","info":{"first_deployed":"2024-01-02T03:04:05.123456789+01:00","last_deployed":"","deleted":"","description":"Install complete","status":"deployed"},"manifest":"---\\n","hooks":[{"name":"h","kind":"Job","path":"c/templates/h.yaml","manifest":"x","events":["pre-install"],"last_run":{"started_at":"","completed_at":"","phase":""}}],"version":2,"namespace":"ns"}';
    const rel = decodeRelease(Buffer.from(v3).toString('base64'));
    assert.equal(rel.info.lastDeployed, undefined);
    assert.equal(rel.version, 2);
    assert.equal(
      releaseJson(rel),
      '{"name":"a","info":{"first_deployed":"2024-01-02T03:04:05.123456789+01:00","description":"Install complete","status":"deployed"},"manifest":"---\\n","hooks":[{"name":"h","kind":"Job","path":"c/templates/h.yaml","manifest":"x","events":["pre-install"],"last_run":{"phase":""}}],"version":2,"namespace":"ns"}',
    );
    assert.equal(releaseJson(decodeRelease(encodeRelease(rel))), releaseJson(rel));
    assert.deepEqual(parseReleaseJson(releaseJson(rel)).info, rel.info);
  });

  it('refuses damaged records and reserved labels with clear errors', () => {
    assert.throws(() => decodeRelease('not base64!'), ReleaseDecodeError);
    assert.throws(() => decodeRelease(Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2]).toString('base64')), /release: gzip/);
    assert.throws(
      () => decodeRelease(Buffer.from('{"info": 3}').toString('base64')),
      /release: info: expected an object/,
    );
    assert.throws(
      () => releaseFromSecret({ metadata: { name: 'sh.helm.release.v1.a.v1' }, data: {} }),
      /Secret sh.helm.release.v1.a.v1: no release data/,
    );
    const rel = parseReleaseJson('{"name":"a","info":{"status":"deployed"},"version":1}');
    rel.labels = { owner: 'me' };
    assert.throws(
      () => releaseSecret(rel, { created: true }, new Date()),
      (err: unknown) =>
        err instanceof ReleaseLabelError &&
        err.message ===
          'user supplied labels contains system reserved label name. System labels: [name owner status version createdAt modifiedAt]',
    );
  });
});
