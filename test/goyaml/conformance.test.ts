// Conformance of engines/goyaml with the Go libraries each preset reproduces, run side by side (./goyamlref, built
// once from its Go module): sigs.k8s.io/yaml v1.6.0 (kustomize output, the flux CLI), Helm's toYaml (the same
// library, one newline trimmed), go.yaml.in/yaml/v3 v3.0.4 with comments at encoder indents 4 (sops) and 2, and
// the scalar resolution of go-yaml v2 and v3. Hand-picked hard cases plus seeded random strings over the
// characters the emitters care about.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  emitV3,
  helmToYaml,
  marshalSigsYaml,
  needsQuotes,
  noComments,
  resolvePlain,
  type Value,
  type YMap,
  type YNode,
  type YScalar,
} from '../../src/engines/goyaml/index.ts';
import { buildGoReference, JsonLinesProcess } from '../support/go-reference.ts';
import { rng } from '../support/rng.ts';

interface RefResponse {
  output?: string;
  error?: string;
}

let ref: JsonLinesProcess<Record<string, unknown>, RefResponse>;
before(async () => {
  const path = await buildGoReference({
    name: 'goyamlref',
    sourceDir: `${import.meta.dirname}/goyamlref`,
    files: ['go.mod', 'go.sum', 'main.go'],
    description: 'go-yaml v2/v3 and sigs.k8s.io/yaml reference',
  });
  ref = new JsonLinesProcess(path);
});
after(() => ref.close());

/** ours runs our side; an error compares as the reference's failure does, by its message. */
function ours(f: () => string): string {
  try {
    return f();
  } catch (err) {
    return `(reference failed: ${(err as Error).message})`;
  }
}

async function refOutput(request: Record<string, unknown>): Promise<string> {
  const r = await ref.ask(request);
  if (r.error !== undefined) return `(reference failed: ${r.error})`;
  return r.output ?? '';
}

/** goJson is JSON as Go's encoding/json writes it: U+2028, U+2029 and <, >, & escaped. */
function goJson(v: unknown): string {
  return JSON.stringify(v).replace(/[\u2028\u2029<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Mismatches collects the cases that differ, so that a failure lists each briefly instead of one huge diff. */
class Mismatches {
  private readonly list: string[] = [];

  check(label: string, got: string, want: string): void {
    // Where both fail, the error messages may differ (Go's name a line of the intermediate JSON).
    const bothFail = got.startsWith('(reference failed: ') && want.startsWith('(reference failed: ');
    if (got !== want && !bothFail && this.list.length < 20) {
      this.list.push(`${label}\n    got:  ${JSON.stringify(got)}\n    want: ${JSON.stringify(want)}`);
    }
  }

  assertNone(): void {
    assert.equal(this.list.length, 0, `\n  ${this.list.join('\n  ')}`);
  }
}

const ALPHABET = [
  ...'ab yZ09.-+:#,[]{}&*!|>\'"%@`?~_\\/=<',
  '\n',
  '\t',
  '\r',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\u0007',
  'é',
  '日',
  '😀',
  '  ',
  '---',
  '...',
  'yes',
  'null',
  '0x1',
  '1e3',
  '12:30',
  '2001-12-14',
];

function randomString(next: () => number, max: number): string {
  const n = Math.floor(next() * max);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return s;
}

const LONG = 'the quick brown fox jumps over the lazy dog and keeps on running past column eighty for sure';

/** STRINGS are the hand-picked cases: every quoting rule, break, escape, fold and literal form. */
const STRINGS = [
  ...['', ' ', 'plain', 'yes', 'Yes', 'ON', 'off', 'y', 'n', 'true', 'False', 'null', 'Null', '~', '<<', '='],
  ...['0', '-1', '+1', '017', '08', '0o17', '0x1F', '0b101', '-0b101', '1_000', '1e3', '1.5', '.5', '-.5', '1.'],
  ...['.inf', '-.Inf', '.NaN', '1:20', '1:20:30.5', '12:60', '2001-12-14', '2001-12-14t21:59:43.10-05:00'],
  ...['2001-12-14 21:59:43.10', '2001-02-29', '2004-02-29', '2001-13-01', '1.2.3', 'v1.0.0', '0x', '1e999'],
  ...['- a', '-a', '? a', '?a', ': a', 'a: b', 'a:b', 'a #b', 'a#b', '#a', ',a', 'a,b', '[a]', '{a}', '&a', '*a'],
  ...['!a', '|a', '>a', "'a'", '"a"', '%a', '@a', '`a', '---', '--- a', '...', '... a', 'a ', ' a', 'a  b'],
  ...["it's", 'a\tb', '\ta', 'a\\b', 'a"b', '😀', 'é日', '\u00a0', '\ufeffa', 'a\ufeff', '\u0007', '\u0085', 'a\rb'],
  ...['x\n', 'x\ny', 'x\n\n', '\n', '\n\n', ' x\n', '\nx', 'x  \ny', 'x\n y', 'x \n', 'x\ty\n', 'a\u2028b'],
  ...[LONG, `  ${LONG}`, `${LONG}:`, `${LONG} yes`, `'${LONG}`, `${LONG}\u0007`, `${LONG}  ${LONG}`, `x\n${LONG}\n`],
];

function corpus(): string[] {
  const next = rng(20260607);
  const random = Array.from({ length: 600 }, () => randomString(next, 12));
  return [...STRINGS, ...random];
}

describe('sigs.k8s.io/yaml (kustomize output, flux --export) and Helm toYaml', () => {
  test('strings as values and as keys', async () => {
    const m = new Mismatches();
    for (const s of corpus()) {
      const doc = { value: s, [s]: 1, list: [s, { k: s }] };
      const label = JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u{${c.codePointAt(0)?.toString(16)}}`);
      m.check(
        `sigs ${label}`,
        ours(() => marshalSigsYaml(doc)),
        await refOutput({ op: 'sigs', json: goJson(doc) }),
      );
      m.check(
        `helm ${label}`,
        ours(() => helmToYaml(s)),
        await refOutput({ op: 'helm', json: goJson(s) }),
      );
    }
    m.assertNone();
  });

  test('numbers after the JSON round trip', async () => {
    const numbers = [0, -0, 1, -1, 0.1, 1.5, 1e-5, 1e-7, 123456, 1234567, 1e20, 1e21, 2 ** 53, -(2 ** 53), 1.5e300];
    const m = new Mismatches();
    for (const n of numbers) {
      const json = goJson({ n, list: [n] });
      m.check(`sigs ${n}`, marshalSigsYaml(JSON.parse(json) as Value), await refOutput({ op: 'sigs', json }));
      m.check(`helm ${n}`, helmToYaml(n), await refOutput({ op: 'helm', json: JSON.stringify(n) }));
    }
    m.assertNone();
  });

  test('key order, nesting, empty collections, complex keys', async () => {
    const docs: Value[] = [
      { b: 1, a: 2, A: 3, _x: 4, a10: 5, a9: 6, a09: 7, 'a 1': 8, '1': 9, '10': 10, '2': 11, é: 12, z: 13 },
      { list: [[1, [2, []]], {}, { a: [] }, [{ b: { c: [{}] } }]], empty: {}, none: [] },
      { ['k'.repeat(130)]: { ['é'.repeat(70)]: 1 }, ['multi\nline']: 'x' },
      [],
      {},
      [{ a: 1, b: [1, 2] }, 'x'],
      'top',
      null,
      true,
    ];
    const m = new Mismatches();
    for (const doc of docs) {
      const json = goJson(doc);
      m.check(`sigs ${JSON.stringify(doc)}`, marshalSigsYaml(doc), await refOutput({ op: 'sigs', json }));
      m.check(`helm ${JSON.stringify(doc)}`, helmToYaml(doc), await refOutput({ op: 'helm', json }));
    }
    m.assertNone();
  });
});

const scalar = (text: string, comments: Partial<YScalar> = {}): YScalar => ({
  kind: 'scalar',
  text,
  style: text.includes('\n') ? 'literal' : needsQuotes(text, 3) ? 'double' : 'plain',
  ...noComments(),
  ...comments,
});

const map = (pairs: [YScalar, YNode][], comments: Partial<YMap> = {}): YMap => ({
  kind: 'map',
  pairs: pairs.map(([key, value]) => ({ key, value })),
  ...noComments(),
  ...comments,
});

describe('go.yaml.in/yaml/v3 with comments (sops)', () => {
  /** cases are small trees: every corpus string as a value, as a key and in a list, then comments and nesting. */
  const cases = (): [string, YMap][] => [
    ...corpus()
      .slice(0, 300)
      .flatMap((s): [string, YMap][] => [
        [`value ${JSON.stringify(s)}`, map([[scalar('k'), scalar(s)]])],
        [`key ${JSON.stringify(s)}`, map([[scalar(s), scalar('v')]])],
        [`item ${JSON.stringify(s)}`, map([[scalar('l'), { kind: 'seq', items: [scalar(s)], ...noComments() }]])],
      ]),
    [
      'comments and nesting',
      map(
        [
          [scalar('a', { head: [' head of a'] }), scalar('1', { line: [' line of 1'] })],
          [
            scalar('list', { foot: [' foot of list'] }),
            {
              kind: 'seq',
              items: [
                scalar('x', { head: [' item head'], line: [' item line'] }),
                map([[scalar('m'), scalar('n', { line: [' value line'] })]]),
                { kind: 'seq', items: [scalar('deep'), scalar('er\nline\n')], ...noComments() },
                { kind: 'seq', items: [], ...noComments(), line: [' empty'] },
              ],
              ...noComments(),
            },
          ],
          [scalar('empty'), map([], { head: [' inside'] })],
          [scalar('nested'), map([[scalar('b'), map([[scalar('c', { foot: [' trailing'] }), scalar(LONG)]])]])],
          [scalar('k'.repeat(130)), scalar('long key')],
        ],
        { head: [' document head'] },
      ),
    ],
  ];

  for (const indent of [4, 2]) {
    test(`encoder indent ${indent}`, async () => {
      const m = new Mismatches();
      for (const [label, tree] of cases()) {
        m.check(label, emitV3(tree, indent), await refOutput({ op: 'v3', node: tree, indent }));
      }
      m.assertNone();
    });
  }
});

describe('scalar resolution', () => {
  /** asJson is what the reference's JSON of the decoded value would hold for one of our resolutions. */
  const asJson = (r: ReturnType<typeof resolvePlain>): unknown => {
    if (typeof r.value === 'bigint') return Number(r.value);
    if (r.tag === 'timestamp') return r.value;
    return r.value;
  };

  test('go-yaml v2 (sigs.k8s.io/yaml YAMLToJSON) and v3 (Unmarshal into interface{})', async () => {
    // Plain scalars a YAML document can hold as `v: <text>`: no leading indicator, `: ` or ` #`, breaks, controls
    // or outer spaces.
    const plain = (x: string): boolean =>
      x !== '' &&
      x.trim() === x &&
      ![...x].some((c) => (c.codePointAt(0) ?? 0) < 0x20 || '\u007f\u0085\u2028\u2029\ufeff'.includes(c)) &&
      !/^([#,[\]{}&*!|>'"%@`]|[-?:](\s|$))/.test(x) &&
      !/: |:$| #/.test(x);
    let compared = 0;
    for (const s of STRINGS.filter(plain)) {
      for (const version of [2, 3] as const) {
        const r = await ref.ask({ op: version === 2 ? 'resolve2' : 'resolve3', text: s });
        const ours = resolvePlain(s, version);
        const finite = typeof ours.value !== 'number' || Number.isFinite(ours.value);
        if (r.error !== undefined) {
          assert.ok(
            !finite,
            `v${version} ${JSON.stringify(s)}: reference failed (${r.error}), we resolved ${ours.tag}`,
          );
          continue;
        }
        let expected = (JSON.parse(r.output ?? '{}') as { v: unknown }).v;
        // v2 keeps a timestamp's text in an interface{}; v3 decodes a time.Time (RFC 3339 in JSON).
        const got = version === 2 && ours.tag === 'timestamp' ? s : ours.tag === 'merge' ? s : asJson(ours);
        if (typeof expected === 'number' && typeof got === 'number') expected = Number(expected);
        assert.deepEqual(got, expected, `v${version} ${JSON.stringify(s)}`);
        compared++;
      }
    }
    assert.ok(compared > 100, `only ${compared} resolutions compared`);
  });
});
