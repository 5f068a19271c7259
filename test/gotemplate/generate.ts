// Generated differential cases: Go's fmt over verbs × flags × values of every Go type, floats from random bit
// patterns, and random token soups for the lexer, parser and executor. A seeded generator keeps runs reproducible.
import type { GoRefRequest } from './goref.ts';

/** Rng is a small deterministic generator (mulberry32). */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

/** randomFloat draws a float64 from a random bit pattern (finite), or a random decimal of a random magnitude. */
export function randomFloat(rng: Rng): number {
  const buf = new DataView(new ArrayBuffer(8));
  for (;;) {
    if (rng.next() < 0.5) {
      buf.setUint32(0, rng.int(2 ** 32));
      buf.setUint32(4, rng.int(2 ** 32));
      const f = buf.getFloat64(0);
      if (Number.isFinite(f)) return f;
    } else {
      const digits = 1 + rng.int(17);
      let s = String(1 + rng.int(9));
      for (let i = 1; i < digits; i++) s += String(rng.int(10));
      const f = Number(`${rng.next() < 0.3 ? '-' : ''}${s}e${rng.int(60) - 30}`);
      if (Number.isFinite(f)) return f;
    }
  }
}

/** Operands of printf cases, as template expressions over FMT_DATA. */
export const FMT_OPERANDS = [
  '0',
  '1',
  '-1',
  '42',
  '255',
  '-12345',
  '65',
  '0x1F600',
  '9223372036854775807',
  '-9223372036854775808',
  '.i64',
  '.u8',
  '.u64',
  '0.0',
  '-0.0',
  '1.0',
  '1.5',
  '2.5',
  '-2.5',
  '0.1',
  '123456789.0',
  '1e21',
  '1e20',
  '1e-7',
  '1e-5',
  '0.0001',
  '1e6',
  '3.141592653589793',
  '.nan',
  '.inf',
  '.ninf',
  '.tiny',
  '.maxf',
  '""',
  '"hello"',
  '"héllo wörld"',
  '"tab\\there"',
  '"quote\\"d"',
  '"\\u00a0nbsp"',
  '"\\u200bzero"',
  '"😀"',
  '"back`tick"',
  '"\\x01ctl"',
  'true',
  'false',
  'nil',
  '.nil',
  '.l',
  '.m',
  '.el',
  '.em',
  '.ss',
  '.sm',
  '.by',
  '.p',
  '(pointv 1 2)',
  '(version 1 2)',
  'cplx',
  'nilmap',
  'nilslice',
  'nilpoint',
  '(list 1 "a" nil (list 2))',
  '(dict "k" (list 1) "j" nil)',
  '(ints 1 2)',
];

export const FMT_DATA = {
  i64: { $int64: '-9' },
  u8: { $uint8: '200' },
  u64: { $uint64: '18446744073709551615' },
  nan: { $float: 'NaN' },
  inf: { $float: '+Inf' },
  ninf: { $float: '-Inf' },
  tiny: { $float: '5e-324' },
  maxf: { $float: '1.7976931348623157e308' },
  nil: null,
  l: [1, 'a', null, 2.5, true],
  m: { b: 2, a: [1, 'x'], c: null, 'd e': { f: 1e6 } },
  el: [],
  em: {},
  ss: { $strings: ['b', 'a'] },
  sm: { $strmap: { k: 'v', a: 'b' } },
  by: { $bytes: 'aGnpIQ==' },
  p: { $point: { X: 1, Y: 2, Label: 'pt', Any: [1] } },
};

export const FMT_VERBS = [
  'v',
  'd',
  's',
  'q',
  'x',
  'X',
  'o',
  'O',
  'b',
  'e',
  'E',
  'f',
  'F',
  'g',
  'G',
  'c',
  'U',
  't',
  'T',
  'z',
];
export const FMT_FLAGS = [
  '',
  '+',
  '-',
  '#',
  ' ',
  '0',
  '+#',
  '-8',
  '08',
  '8',
  '.0',
  '.3',
  '8.2',
  '-12.5',
  '+010.4',
  '#.1',
  ' 6',
  '#8.3',
];

/** fmtCases makes one request per operand: every verb with every flag set, joined by `|`. */
export function fmtCases(): GoRefRequest[] {
  return FMT_OPERANDS.map((op) => {
    const parts: string[] = [];
    for (const verb of FMT_VERBS) for (const flags of FMT_FLAGS) parts.push(`%${flags}${verb}`);
    const text = `{{ printf ${JSON.stringify(parts.join('|'))} ${Array(parts.length).fill(op).join(' ')} }}`;
    return { templates: [['t', text]], data: FMT_DATA };
  });
}

/** floatCases formats random floats with %v and fixed-precision verbs. */
export function floatCases(rng: Rng, count: number): GoRefRequest[] {
  const out: GoRefRequest[] = [];
  const formats = [
    '%v',
    '%e',
    '%.3e',
    '%.0e',
    '%.20e',
    '%f',
    '%.0f',
    '%.1f',
    '%.17f',
    '%g',
    '%.3g',
    '%.15g',
    '%.17g',
    '%x',
    '%.2x',
    '%b',
    '%#g',
    '%+.4e',
  ];
  for (let i = 0; i < count; i++) {
    const fs = Array.from({ length: 8 }, () => randomFloat(rng));
    const text = fs
      .map((_, j) => `{{ printf "${formats.join('|')}" ${formats.map(() => `(index .f ${j})`).join(' ')} }}`)
      .join('\n');
    out.push({
      templates: [['t', text]],
      data: { f: fs.map((f) => ({ $float: Object.is(f, -0) ? '-0' : String(f) })) },
    });
  }
  return out;
}

const SOUP = [
  '{{',
  '}}',
  '{{- ',
  ' -}}',
  ' ',
  '  ',
  '\n',
  'text',
  '.',
  '.a',
  '.a.b',
  '.m',
  '.l',
  '.n',
  '$',
  '$x',
  '$x :=',
  '$x =',
  '$i, $e :=',
  ':=',
  '=',
  '|',
  '(',
  ')',
  ',',
  '"s"',
  '"a\\"b"',
  '`raw`',
  "'c'",
  '1',
  '-1',
  '1.5',
  '0x10',
  '1e3',
  '1_0',
  '08',
  'true',
  'nil',
  'if',
  'else',
  'end',
  'range',
  'with',
  'define "d"',
  'template "d"',
  'block "b" .',
  'break',
  'continue',
  'eq',
  'ne',
  'lt',
  'and',
  'or',
  'not',
  'len',
  'index',
  'slice',
  'print',
  'printf "%v"',
  'html',
  'call',
  'list',
  'dict',
  'add',
  'upper',
  '/*',
  '*/',
  '/* c */',
  '{{/* c */}}',
  'x-y',
  '@',
  '#',
  '\u00a0',
  'é',
];

/** soupCases strings random tokens together: mostly invalid templates, some valid ones. */
export function soupCases(rng: Rng, count: number): GoRefRequest[] {
  const out: GoRefRequest[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    const n = 1 + rng.int(14);
    for (let j = 0; j < n; j++) text += rng.pick(SOUP) + (rng.next() < 0.5 ? ' ' : '');
    out.push({ templates: [['t', text]], data: { a: { b: 1 }, m: { k: 'v' }, l: [1, 2], n: 2 } });
  }
  return out;
}

/** actionCases builds well-formed templates from random pipelines, to exercise execution errors and output. */
export function actionCases(rng: Rng, count: number): GoRefRequest[] {
  const operands = [
    '.',
    '.a',
    '.a.b',
    '.m.k',
    '.l',
    '.n',
    '.missing',
    '.nilv',
    '$',
    '$.n',
    '1',
    '1.5',
    '"s"',
    'nil',
    'true',
    '(list 1 2)',
    '(dict "k" 1)',
    '.p',
    '.p.X',
    '.ss',
    '.sm',
    '.i',
  ];
  const funcs = [
    'eq',
    'ne',
    'lt',
    'le',
    'gt',
    'ge',
    'and',
    'or',
    'not',
    'len',
    'index',
    'slice',
    'print',
    'printf "%v-%v"',
    'html',
    'js',
    'urlquery',
    'upper',
    'add',
    'repeat',
    'takeList',
    'takeMap',
    'takeAny',
    'typeOf',
    'isNil',
  ];
  const out: GoRefRequest[] = [];
  for (let i = 0; i < count; i++) {
    const cmd = (): string => {
      const f = rng.pick(funcs);
      const args = Array.from({ length: rng.int(3) }, () => rng.pick(operands));
      return [f, ...args].join(' ');
    };
    const pipe = rng.next() < 0.3 ? `${rng.pick(operands)} | ${cmd()}` : cmd();
    const forms = [
      `{{ ${pipe} }}`,
      `{{ if ${pipe} }}T{{ else }}F{{ end }}`,
      `{{ with ${pipe} }}[{{ . }}]{{ end }}`,
      `{{ range ${pipe} }}<{{ . }}>{{ else }}empty{{ end }}`,
      `{{ $v := ${pipe} }}{{ $v }}`,
    ];
    out.push({
      templates: [['t', rng.pick(forms)]],
      data: {
        a: { b: 1 },
        m: { k: 'v' },
        l: [1, 'x'],
        n: 2,
        nilv: null,
        p: { $point: { X: 1, Y: 2, Label: 'l' } },
        ss: { $strings: ['q'] },
        sm: { $strmap: { k: 'v' } },
        i: { $int: '3' },
      },
      options: rng.next() < 0.3 ? [rng.pick(['missingkey=zero', 'missingkey=error', 'missingkey=default'])] : [],
    });
  }
  return out;
}
