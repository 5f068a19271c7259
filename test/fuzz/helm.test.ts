// Property-based fuzzing of engines/helm (see harness.ts for the shared invariants and how to run longer): the
// parts that read what a chart author or a HelmRelease supplies — chart archives, values files, --set lines,
// templates rendered as a release, and stored release records.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import {
  ChartLoadError,
  decodeRelease,
  HelmError,
  loadArchive,
  loadFiles,
  loadValues,
  ReleaseDecodeError,
  renderChart,
} from '../../src/engines/helm/index.ts';
import { ValuesError } from '../../src/engines/helm/values/load.ts';
import { parseInto, StrvalsError } from '../../src/engines/helm/values/strvals.ts';
import { sprigFunctions } from '../../src/engines/sprig/index.ts';
import { checkSync, soup } from './harness.ts';

const enc = new TextEncoder();

/** tar builds a ustar archive from entries (names may be hostile: absolute, `..`, very long). */
function tar(entries: { name: string; data: Uint8Array; type: string }[]): Uint8Array {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const h = Buffer.alloc(512);
    h.write(e.name.slice(0, 100), 0, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(e.data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write(e.type, 156);
    h.write('ustar\x0000', 257);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, Buffer.from(e.data), Buffer.alloc((512 - (e.data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return new Uint8Array(Buffer.concat(blocks));
}

const CHART_YAML = 'apiVersion: v2\nname: fz\nversion: 1.0.0\n';

const entryName = soup(['fz/', 'Chart.yaml', 'values.yaml', 'templates/', 'charts/', '../', '/', 'x.tgz', '.', 'a'], 6);
const entryData = fc.oneof(
  fc.constant(CHART_YAML),
  soup(
    ['apiVersion: v2\n', 'name: fz\n', 'version: ', '1.0.0', 'x\n', 'dependencies:\n', '- name: a\n', ': ', '\t'],
    12,
  ),
  fc.string({ maxLength: 64 }),
);
const archive = fc.record({
  entries: fc.array(
    fc.record({ name: entryName, data: entryData, type: fc.constantFrom('0', '0', '0', '5', '2', '1', 'x') }),
    { maxLength: 6 },
  ),
  gzip: fc.boolean(),
  truncate: fc.nat({ max: 2000 }),
});

const TEMPLATE_PIECES = [
  '{{ ',
  ' }}',
  '{{- ',
  ' -}}',
  '.Values.a',
  '.Values',
  '.Release.Name',
  '.Chart.Name',
  '.Capabilities.KubeVersion.Version',
  '.Files.Get "f"',
  '(.Files.Glob "*").AsConfig',
  'include "t" .',
  'tpl "{{ .Values.a }}" .',
  'required "need" .Values.b',
  'fail "no"',
  'toYaml .Values',
  'fromYaml "a: 1"',
  'toJson .',
  'lookup "v1" "Pod" "" ""',
  ' | quote',
  ' | indent 2',
  '{{ define "t" }}x{{ end }}',
  '{{ range .Values.l }}',
  '{{ end }}',
  '{{ if .Values.a }}',
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
  'metadata:\n  annotations:\n    helm.sh/hook: pre-install\n',
  '---\n',
  '\n',
  ': ',
  '"',
];

describe('fuzz: helm', () => {
  test('chart archives (tar layout, paths, sizes, Chart.yaml)', () => {
    // Invariant: a Chart, or ChartLoadError with Helm's message; hostile paths never escape, nothing else throws.
    const outcomes = checkSync(archive, [ChartLoadError], (input) => {
      const files = input.entries.map((e) => ({ name: e.name, type: e.type, data: enc.encode(e.data) }));
      let bytes = tar(files);
      if (input.gzip) bytes = new Uint8Array(gzipSync(bytes));
      if (input.truncate > 0 && input.truncate < bytes.length) bytes = bytes.subarray(0, bytes.length - input.truncate);
      const chart = loadArchive(bytes);
      for (const f of [...chart.templates, ...chart.files]) {
        assert.ok(!f.name.startsWith('/') && !f.name.split('/').includes('..'), f.name);
      }
    });
    assert.ok(outcomes.refused > 0, JSON.stringify(outcomes));
  });

  test('values files and --set lines', () => {
    // Invariant: values, or ValuesError / StrvalsError.
    const yaml = soup(
      [
        'a: ',
        'b:\n  c: ',
        '- ',
        '[',
        ']',
        '{',
        '}',
        '&x ',
        '*x',
        '<<: *x\n',
        '---\n',
        '\n',
        '"',
        '1e3',
        '~',
        'yes',
        '\t',
      ],
      30,
    );
    checkSync(yaml, [ValuesError], (text) => {
      loadValues(text);
    });
    const line = soup(['a', '.', '[', ']', '0', '=', ',', '{', '}', '\\', 'null', 'true', '1', '"', 'b'], 20);
    checkSync(line, [StrvalsError], (text) => {
      parseInto(text, new Map());
    });
  });

  test('templates rendered as a release (values, hooks, output bounds)', () => {
    // Invariant: a rendered release, or ChartLoadError (values.yaml) / HelmError; bounded output and time (maxOutputLength, deadline).
    const functions = sprigFunctions({ localZone: 'UTC' });
    const outcomes = checkSync(
      fc.record({ tpl: soup(TEMPLATE_PIECES, 24), values: soup(['a: 1\n', 'a: x\n', 'l: [1, 2]\n', 'b: {}\n'], 3) }),
      [HelmError, ChartLoadError],
      (input) => {
        const chart = loadFiles([
          { name: 'Chart.yaml', data: enc.encode(CHART_YAML) },
          { name: 'values.yaml', data: enc.encode(input.values) },
          { name: 'f', data: enc.encode('file') },
          { name: 'templates/a.yaml', data: enc.encode(input.tpl) },
        ]);
        const rel = renderChart(chart, new Map(), {
          name: 'fz',
          namespace: 'ns',
          functions,
          maxOutputLength: 1 << 20,
          deadline: Date.now() + 2000,
        });
        assert.equal(typeof rel.manifest, 'string');
      },
    );
    assert.ok(outcomes.accepted > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
  });

  test('stored release records', () => {
    // Invariant: a Release or ReleaseDecodeError naming what is wrong.
    const json = soup(
      [
        '{',
        '}',
        '"name":',
        '"info":',
        '"hooks":',
        '"chart":',
        '"config":',
        '[',
        ']',
        ',',
        '"x"',
        '1',
        'null',
        '"version":',
        '"last_run":{"started_at":"x"}',
      ],
      20,
    );
    checkSync(fc.record({ json, gzip: fc.boolean(), b64: fc.boolean() }), [ReleaseDecodeError], (input) => {
      const raw = input.gzip ? gzipSync(input.json) : Buffer.from(input.json);
      decodeRelease(input.b64 ? raw.toString('base64') : input.json);
    });
  });
});
