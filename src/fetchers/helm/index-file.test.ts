import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { indexJson, parseIndex } from './index-file.ts';
import { selectChartVersion } from './select.ts';
import { indexURL, normalizeURL, resolveReferenceURL } from './url.ts';

const INDEX = `apiVersion: v1
entries:
  podinfo:
  - apiVersion: v2
    appVersion: 6.1.0
    created: "2024-01-02T10:00:00Z"
    digest: aaa
    name: podinfo
    urls:
    - podinfo-6.1.0.tgz
    version: 6.1.0
  - apiVersion: v2
    name: podinfo
    urls: [podinfo-6.10.0.tgz]
    version: 6.10.0
    created: "2024-02-02T10:00:00Z"
  - name: podinfo
    urls: [podinfo-7.0.0-rc.1.tgz]
    version: 7.0.0-rc.1
  - name: podinfo
    urls: [broken.tgz]
    version: not-a-version
  - name: podinfo
    urls: [old.tgz]
    version: 1.10
generated: "2024-02-02T10:00:00Z"
`;

describe('parseIndex', () => {
  test('reads YAML as sigs.k8s.io/yaml does, drops invalid entries and sorts newest first', () => {
    const index = parseIndex(Buffer.from(INDEX));
    const versions = index.entries['podinfo']?.map((cv) => cv?.version);
    // `1.10` is a float to go-yaml and becomes "1.1" in a string field; `not-a-version` fails validation.
    assert.deepEqual(versions, ['7.0.0-rc.1', '6.10.0', '6.1.0', '1.1']);
    // A missing apiVersion defaults to v1.
    assert.equal(index.entries['podinfo']?.[0]?.apiVersion, 'v1');
  });

  test('refuses what Flux refuses, with its messages', () => {
    assert.throws(() => parseIndex(Buffer.alloc(0)), { message: 'empty index.yaml file' });
    assert.throws(() => parseIndex(Buffer.from('entries: {}\n')), { message: 'no API version specified' });
    assert.throws(() => parseIndex(Buffer.from('apiVersion: v1\nentries: {}\nbogus: 1\n')), {
      message: 'error unmarshaling JSON: while decoding JSON: json: unknown field "bogus"',
    });
    assert.throws(
      () => parseIndex(Buffer.from('apiVersion: v1\nentries: [\n')),
      /^HelmRepositoryError: error converting YAML to JSON: yaml: line 2: /u,
    );
    assert.throws(() => parseIndex(Buffer.from('apiVersion: v1\nentries:\n  a:\n  - urls: x\n')), {
      message:
        'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct field ChartVersion.entries.urls of type []string',
    });
  });

  test('JSON indexes are read leniently (unknown fields ignored)', () => {
    const index = parseIndex(
      Buffer.from('{"apiVersion":"v1","extra":1,"entries":{"a":[{"name":"a","version":"1.0.0","urls":["a.tgz"]}]}}'),
    );
    assert.equal(index.entries['a']?.[0]?.version, '1.0.0');
  });

  test('indexJson writes Go MarshalIndent layout that parses back to the same index', () => {
    const index = parseIndex(Buffer.from(INDEX));
    const json = indexJson(index);
    assert.match(json, /^\{\n {2}"apiVersion": "v1",\n {2}"generated": "2024-02-02T10:00:00Z",\n {2}"entries": \{\n/u);
    assert.match(
      json,
      /"urls": \[\n {10}"podinfo-6\.1\.0\.tgz"\n {8}\],\n {8}"created": "2024-01-02T10:00:00Z",\n {8}"digest": "aaa"\n/u,
    );
    // Read back, it is the same index (Go writes a missing creation time as the zero time).
    const back = parseIndex(Buffer.from(json));
    const zero = (cv: { created: string } | null | undefined): void => {
      if (cv && cv.created === '') cv.created = '0001-01-01T00:00:00Z';
    };
    index.entries['podinfo']?.forEach(zero);
    assert.deepEqual(back, index);
  });
});

describe('selectChartVersion', () => {
  const index = parseIndex(Buffer.from(INDEX));
  test('picks as Helm does', () => {
    assert.equal(selectChartVersion(index, 'podinfo', '').version, '6.10.0');
    assert.equal(selectChartVersion(index, 'podinfo', '*').version, '6.10.0');
    assert.equal(selectChartVersion(index, 'podinfo', '6.1.x').version, '6.1.0');
    assert.equal(selectChartVersion(index, 'podinfo', '>=7.0.0-0').version, '7.0.0-rc.1');
    assert.equal(selectChartVersion(index, 'podinfo', '7.0.0-rc.1').version, '7.0.0-rc.1');
    // An exact string match wins even where no range would match it.
    assert.equal(selectChartVersion(index, 'podinfo', '1.1').version, '1.1');
  });
  test('says why nothing matches', () => {
    assert.throws(() => selectChartVersion(index, 'nope', '*'), { message: 'no chart name found' });
    assert.throws(() => selectChartVersion(index, 'podinfo', '>=9.0.0'), {
      message: "no 'podinfo' chart with version matching '>=9.0.0' found",
    });
    assert.throws(() => selectChartVersion(index, 'podinfo', '>>1'), /improper constraint/u);
  });
});

describe('urls', () => {
  test('index and chart URLs as Helm builds them', () => {
    assert.equal(indexURL('https://h/charts'), 'https://h/charts/index.yaml');
    assert.equal(indexURL('https://h/charts/?x=1'), 'https://h/charts/index.yaml?x=1');
    assert.equal(normalizeURL('https://h/charts//'), 'https://h/charts/');
    assert.equal(resolveReferenceURL('https://h/charts', 'a-1.0.0.tgz'), 'https://h/charts/a-1.0.0.tgz');
    assert.equal(resolveReferenceURL('https://h/charts/?t=1', '../b.tgz'), 'https://h/b.tgz?t=1');
    assert.equal(resolveReferenceURL('https://h/charts', 'https://cdn/x.tgz'), 'https://cdn/x.tgz');
  });
});
