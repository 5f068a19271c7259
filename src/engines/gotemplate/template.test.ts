import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  ANY,
  defineMethods,
  formatValue,
  GoChan,
  GoNil,
  sprint,
  sprintf,
  sprintln,
  goFunc,
  type GoInt,
  goMethod,
  goInt,
  goInt64,
  goVariadicFunc,
  GoStruct,
  INT,
  MAP_STRING,
  namedType,
  MAP_ANY,
  SLICE_STRING,
  STRING,
  structType,
  Template,
  TemplateError,
  TemplateExecError,
  TemplateParseError,
  utf8Decode,
  utf8Encode,
  utf8Length,
  withGoType,
  type GoValue,
} from './index.ts';

function run(text: string, data?: GoValue, setup?: (t: Template) => void): string {
  const t = new Template('t');
  setup?.(t);
  return t.parse(text).execute(data);
}

function fails(text: string, message: string, data?: GoValue, setup?: (t: Template) => void): void {
  assert.throws(
    () => run(text, data, setup),
    (err: Error) => {
      assert.equal(err.message, message);
      return true;
    },
  );
}

describe('gotemplate: actions and printing', () => {
  test('text, fields and Go %v printing', () => {
    assert.equal(run('a {{ .x }} b', { x: 'y' }), 'a y b');
    assert.equal(run('{{ .n }} {{ .big }} {{ .small }}', { n: 8080, big: 1e6, small: 0.00001 }), '8080 1e+06 1e-05');
    assert.equal(run('{{ .m }}', { m: { b: [1, 'x'], a: null, B: true } }), 'map[B:true a:<nil> b:[1 x]]');
    assert.equal(run('{{ .missing }}', {}), '<no value>');
    assert.equal(run('{{ . }}', undefined), '<no value>');
  });

  test('literals keep Go constant types', () => {
    assert.equal(
      run(`{{ 1.0 }} {{ 1e6 }} {{ 0x10 }} {{ 'a' }} {{ 1.5 }} {{ 0b101 }} {{ 1_000 }}`),
      '1 1e+06 16 97 1.5 5 1000',
    );
    assert.equal(run('{{ printf "%T %T %T %T" 1 1.0 "s" true }}'), 'int float64 string bool');
  });

  test('trim markers and comments', () => {
    assert.equal(run('a  \n {{- 1 -}} \n  b'), 'a1b');
    assert.equal(run('a {{- /* note */ -}} b'), 'ab');
    assert.equal(run('{{-3}}'), '-3');
  });

  test('variables: declaration, assignment, scope', () => {
    assert.equal(run('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}{{ $x }}'), '2');
    assert.equal(run('{{ with $x := "a" }}{{ $x }}{{ . }}{{ end }}'), 'aa');
    assert.equal(run('{{ define "t2" }}{{ $ }}{{ end }}{{ $x := 1 }}{{ template "t2" 5 }}'), '5');
  });

  test('if / else if / with / else with', () => {
    const t = '{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}';
    assert.equal(run(t, { a: 1, b: 0 }), 'A');
    assert.equal(run(t, { a: 0, b: 'x' }), 'B');
    assert.equal(run(t, { a: [], b: {} }), 'C');
    assert.equal(run('{{ with .a }}{{ . }}{{ else with .b }}b{{ . }}{{ else }}none{{ end }}', { b: 2 }), 'b2');
  });

  test('range over slices, maps (sorted), integers and with else', () => {
    assert.equal(run('{{ range $i, $v := . }}{{ $i }}{{ $v }},{{ end }}', ['a', 'b']), '0a,1b,');
    assert.equal(run('{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}', { b: 1, a: 2, B: 3 }), 'B=3;a=2;b=1;');
    assert.equal(run('{{ range 3 }}{{ . }}{{ end }}'), '012');
    assert.equal(run('{{ range .x }}x{{ else }}empty{{ end }}', { x: [] }), 'empty');
    assert.equal(
      run(
        '{{ range .x }}{{ if eq . 2.0 }}{{ continue }}{{ end }}{{ if eq . 4.0 }}{{ break }}{{ end }}{{ . }}{{ end }}',
        { x: [1, 2, 3, 4, 5] },
      ),
      '13',
    );
  });

  test('define, template, block; later empty definitions do not replace', () => {
    const t = new Template('root');
    t.new('a').parse('{{ define "x" }}one{{ end }}');
    t.new('b').parse('{{ define "x" }}  {{/* empty */}} {{ end }}');
    assert.equal(t.new('c').parse('{{ template "x" }}|{{ block "y" . }}blk{{ end }}').execute(), 'one|blk');
    t.new('d').parse('{{ define "x" }}two{{ end }}');
    assert.equal(t.executeTemplate('c'), 'two|blk');
  });

  test('built-ins', () => {
    assert.equal(run('{{ and 1 0 2 }} {{ or 0 "" "z" }} {{ not 0 }}'), '0 z true');
    fails('{{ and }}', 'template: t:1:3: executing "t" at <and>: wrong number of args for and: want at least 1 got 0');
    assert.equal(
      run('{{ len "héllo" }} {{ index "abc" 1 }} {{ slice "abcdef" 1 3 }} {{ index .m "k" }}', { m: { k: 'v' } }),
      '6 98 bc v',
    );
    assert.equal(run('{{ print 1 2 "a" 3 "b" }}|{{ println 1 "a" }}'), '1 2a3b|1 a\n');
    assert.equal(
      run('{{ html "<a href=\'x\'>" }} {{ js "it\'s <b>" }} {{ urlquery "a b&c/d" }}'),
      "&lt;a href=&#39;x&#39;&gt; it\\'s \\u003Cb\\u003E a+b%26c%2Fd",
    );
    assert.equal(
      run('{{ eq 1 2 3 1 }} {{ ne "a" "b" }} {{ lt 1 2 }} {{ ge 2.5 2.5 }} {{ eq .x nil }}', { x: null }),
      'true true true true true',
    );
  });
});

describe('gotemplate: printf', () => {
  const cases: [string, string][] = [
    [
      '{{ printf "%d|%5d|%-5d|%05d|%x|%X|%o|%b|%c|%q|%U" 42 42 42 42 255 255 8 5 65 65 65 }}',
      "42|   42|42   |00042|ff|FF|10|101|A|'A'|U+0041",
    ],
    [
      '{{ printf "%f|%.2f|%e|%g|%8.3f|%v" 3.14159 2.675 1234.5678 0.00001234 3.14159 100000000.0 }}',
      '3.141590|2.67|1.234568e+03|1.234e-05|   3.142|1e+08',
    ],
    [
      '{{ printf "%s|%q|%x|%10s|%-10s|%.2s" "hi" "a\\"b" "hi" "r" "l" "hello" }}',
      'hi|"a\\"b"|6869|         r|l         |he',
    ],
    ['{{ printf "%v %+v %t" .m .m true }}', 'map[a:1] map[a:1] true'],
    [
      '{{ printf "%d" "s" }}|{{ printf "%s" 1 }}|{{ printf "%d" }}|{{ printf "x" 1 }}|{{ printf "%s" nil }}',
      '%!d(string=s)|%!s(int=1)|%!d(MISSING)|x%!(EXTRA int=1)|%!s(<nil>)',
    ],
    ['{{ printf "%#v" .m }}', 'map[string]interface {}{"a":1}'],
    ['{{ printf "%.0f %.0f %.0f %.1f" 0.5 1.5 2.5 0.25 }}', '0 2 2 0.2'],
    ['{{ printf "%6.2f%%" 99.5 }}', ' 99.50%'],
  ];
  for (const [tpl, want] of cases) test(tpl, () => assert.equal(run(tpl, { m: { a: 1 } }), want));
});

describe('gotemplate: value model and functions', () => {
  test('function arguments are checked as Go does', () => {
    const setup = (t: Template): void => {
      t.funcs({ rep: goFunc([INT, STRING], (n, s) => s.repeat(Number(n.value)), { type: STRING }) });
    };
    assert.equal(run('{{ rep 3 "ab" }}{{ "x" | rep 2 }}', undefined, setup), 'abababxx');
    fails(
      '{{ rep 1.5 "x" }}',
      'template: t:1:7: executing "t" at <1.5>: expected integer; found 1.5',
      undefined,
      setup,
    );
    fails(
      '{{ rep .n "x" }}',
      'template: t:1:7: executing "t" at <.n>: wrong type for value; expected int; got float64',
      { n: 2 },
      setup,
    );
    fails(
      '{{ rep 1 }}',
      'template: t:1:3: executing "t" at <rep>: wrong number of args for rep: want 2 got 1',
      undefined,
      setup,
    );
    fails(
      '{{ .missing | rep 1 }}',
      'template: t:1:18: executing "t" at <1>: invalid value; expected string',
      {},
      setup,
    );
  });

  test('function errors are reported as error calling NAME', () => {
    const setup = (t: Template): void => {
      t.funcs({
        boom: goFunc([], () => {
          throw new Error('it broke');
        }),
      });
    };
    fails('x{{ boom }}', 'template: t:1:4: executing "t" at <boom>: error calling boom: it broke', undefined, setup);
  });

  test('variadic functions, typed slices and maps', () => {
    const setup = (t: Template): void => {
      t.funcs({
        list: goVariadicFunc([], ANY, (...items) => items),
        split: goFunc([STRING], (s) => withGoType(s.split(','), SLICE_STRING)),
        strmap: goFunc([], () => withGoType({ a: 'x' }, MAP_STRING)),
        i64: goFunc([], () => goInt64(7)),
      });
    };
    assert.equal(run('{{ list 1 "a" 2.5 }} {{ printf "%T" (list) }}', undefined, setup), '[1 a 2.5] []interface {}');
    assert.equal(run('{{ printf "%T %v" (split "a,b") (split "a,b") }}', undefined, setup), '[]string [a b]');
    assert.equal(
      run('{{ printf "%T" strmap }} {{ strmap.missing | printf "%q" }}', undefined, setup),
      'map[string]string %!q(<nil>)',
    );
    assert.equal(
      run('{{ strmap.missing | printf "%q" }}', undefined, (t) => setup(t.option('missingkey=zero'))),
      '""',
    );
    assert.equal(run('{{ printf "%T %v" i64 i64 }}', undefined, setup), 'int64 7');
  });

  test('structs, methods and named maps', () => {
    const version = structType('semver.Version', [
      { name: 'Major', type: INT },
      { name: 'minor', type: INT, exported: false },
    ]);
    defineMethods(version, {
      String: goMethod(version, [], () => 'v1.2', { type: STRING }),
      Add: goMethod(version, [INT], (self, n) => goInt((self.fields.Major as GoInt).value + n.value), { type: INT }),
    });
    const v = new GoStruct(version, { Major: goInt(1), minor: goInt(2) });
    assert.equal(run('{{ .v }} {{ .v.Major }} {{ .v.Add 2 }}', { v }), 'v1.2 1 3');
    // The receiver came out of a map[string]interface {}: Go names the static type.
    fails(
      '{{ .v.minor }}',
      'template: t:1:5: executing "t" at <.v.minor>: minor is an unexported field of struct type interface {}',
      { v },
    );
    fails(
      '{{ .minor }}',
      'template: t:1:3: executing "t" at <.minor>: minor is an unexported field of struct type semver.Version',
      v,
    );
    const values = namedType('chartutil.Values', MAP_ANY);
    defineMethods(values, { AsMap: goMethod(values, [], (self) => ({ ...self }), { type: MAP_ANY }) });
    // Methods win over map keys of the same name.
    const data = withGoType({ name: 'web', AsMap: 'shadowed' }, values);
    assert.equal(
      run('{{ .name }} {{ printf "%T" .AsMap }} {{ printf "%T" . }}', data),
      'web map[string]interface {} chartutil.Values',
    );
  });
});

describe('gotemplate: errors', () => {
  test('parse errors', () => {
    const cases: [string, string][] = [
      ['{{ foo }}', 'template: t:1: function "foo" not defined'],
      ['{{ if 1 }}', 'template: t:1: unexpected EOF'],
      ['{{ end }}', 'template: t:1: unexpected {{end}}'],
      ['\n\n{{ .a-b }}', "template: t:3: bad character U+002D '-'"],
      ['{{ $x }}', 'template: t:1: undefined variable "$x"'],
      ['{{ break }}', 'template: t:1: {{break}} outside {{range}}'],
      ['{{ "a" | "b" }}', 'template: t:1: non executable command in pipeline stage 2'],
      ['{{ ( 1 }}', 'template: t:1: unclosed left paren'],
      ['{{ 3x }}', 'template: t:1: bad number syntax: "3x"'],
      [
        '{{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }}',
        'template: t:1: template: multiple definition of template "a"',
      ],
      ['{{\n.x\n', 'template: t:3: unclosed action started at t:1'],
      ['{{ "abc }}', 'template: t:1: unterminated quoted string'],
      ['{{ if }}{{ end }}', 'template: t:1: missing value for if'],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => new Template('t').parse(text),
        (err: Error) => {
          assert.ok(err instanceof TemplateParseError);
          assert.equal(err.message, message, text);
          return true;
        },
      );
    }
  });

  test('execution errors name file, line, byte column and node', () => {
    fails('{{ .a.b }}', 'template: t:1:5: executing "t" at <.a.b>: can\'t evaluate field b in type interface {}', {
      a: 's',
    });
    // Columns count bytes, and a field chain's position is that of its second field.
    fails('héllo {{ .a.b.c }}', 'template: t:1:12: executing "t" at <.a.b.c>: nil pointer evaluating interface {}.c', {
      a: { b: null },
    });
    fails(
      '{{ eq .n 1 }}',
      'template: t:1:3: executing "t" at <eq .n 1>: error calling eq: incompatible types for comparison: float64 and int',
      { n: 1 },
    );
    fails('{{ range .s }}{{ end }}', 'template: t:1:9: executing "t" at <.s>: range can\'t iterate over str', {
      s: 'str',
    });
    fails('{{ template "x" }}', 'template: t:1:12: executing "t" at <{{template "x"}}>: template "x" not defined');
    assert.throws(() => new Template('t').parse('x').executeTemplate('nope'), TemplateError);
  });

  test('missingkey modes', () => {
    const opt = (o: string) => (t: Template) => void t.option(o);
    assert.equal(run('{{ .a }}', {}, opt('missingkey=default')), '<no value>');
    assert.equal(run('{{ .a }}', {}, opt('missingkey=zero')), '<no value>');
    assert.equal(run('{{ .a }}', withGoType({}, MAP_STRING), opt('missingkey=zero')), '');
    fails(
      '{{ .a }}',
      'template: t:1:3: executing "t" at <.a>: map has no entry for key "a"',
      {},
      opt('missingkey=error'),
    );
    assert.throws(() => new Template('t').option('missingkey=bogus'), /unrecognized option: missingkey=bogus/);
  });

  test("unbounded recursion fails with Go's depth error in bounded time", () => {
    const started = Date.now();
    assert.throws(
      () => run('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}'),
      (err: Error) => {
        assert.ok(err instanceof TemplateExecError);
        assert.equal(
          err.message,
          'template: t:1:28: executing "r" at <{{template "r" .}}>: exceeded maximum template depth (100000)',
        );
        return true;
      },
    );
    assert.ok(Date.now() - started < 5000);
  });

  test('output and time limits', () => {
    const t = new Template('t').limit({ maxOutputLength: 1000 }).parse('{{ range 100000 }}xxxxxxxxxx{{ end }}');
    assert.throws(() => t.execute(), /output exceeds the limit of 1000 characters/);
    const slow = new Template('t').limit({ deadline: Date.now() - 1 }).parse('{{ range 1000000000 }}{{ end }}');
    assert.throws(() => slow.execute(), /exceeded its deadline/);
  });
});

describe('gotemplate: template sets', () => {
  test('clone isolates names, functions and options; trees are shared', () => {
    const root = new Template('gotpl').option('missingkey=zero');
    root.new('a').parse('{{ define "x" }}orig{{ end }}A{{ template "x" }}');
    const copy = root.clone();
    copy.new('b').parse('{{ define "x" }}cloned{{ end }}B{{ template "x" }}');
    assert.equal(copy.executeTemplate('a'), 'Acloned');
    assert.equal(root.executeTemplate('a'), 'Aorig');
    assert.equal(root.lookup('b'), undefined);
    assert.equal(copy.missingKey, 'zero');
    copy.option('missingkey=error');
    assert.equal(root.missingKey, 'zero');
  });

  test('functions may be replaced after parsing (Helm binds include and tpl late)', () => {
    const t = new Template('t').funcs({ greet: goFunc([], () => 'placeholder', { type: STRING }) });
    t.parse('{{ greet }}');
    t.funcs({ greet: goFunc([], () => 'bound', { type: STRING }) });
    assert.equal(t.execute(), 'bound');
    assert.throws(
      () => t.funcs({ 'not-valid': goFunc([], () => '') }),
      /function name "not-valid" is not a valid identifier/,
    );
  });

  test('user functions shadow built-ins, and break/continue become functions when defined', () => {
    const t = new Template('t').funcs({
      len: goFunc([ANY], () => 'mine', { type: STRING }),
      break: goFunc([], () => 'a function', { type: STRING }),
    });
    assert.equal(t.parse('{{ len "abc" }} {{ break }}').execute(), 'mine a function');
  });

  test('lookup, templates, definedTemplates and executing an unparsed template', () => {
    const root = new Template('root');
    assert.equal(root.definedTemplates(), '');
    root.new('a').parse('{{ define "d" }}x{{ end }}');
    assert.deepEqual(
      root
        .templates()
        .map((t) => t.name)
        .sort(),
      ['a', 'd'],
    );
    assert.match(root.definedTemplates(), /^; defined templates are: ("a", "d"|"d", "a")$/);
    assert.equal(root.lookup('d')?.execute(), 'x');
    assert.throws(() => root.execute(), { message: 'template: root: "root" is an incomplete or empty template' });
    assert.throws(() => root.executeTemplate('nope'), /template: no template "nope" associated with template "root"/);
  });

  test('delims apply to later parses', () => {
    const t = new Template('t').delims('[[', ']]');
    assert.equal(t.parse('{{ .x }} [[ .x ]] [[- " y " -]] z').execute({ x: 1 }), '{{ .x }} 1 y z');
  });

  test('nested execution errors become the cause of error calling NAME', () => {
    const root = new Template('gotpl');
    root.funcs({ include: goFunc([STRING, ANY], (name, data) => root.executeTemplate(name, data), { type: STRING }) });
    root.new('helpers').parse('{{ define "inner" }}{{ .a.b }}{{ end }}');
    root.new('file').parse('{{ include "inner" . }}');
    assert.throws(
      () => root.executeTemplate('file', { a: 'str' }),
      (err: Error) => {
        assert.ok(err instanceof TemplateExecError);
        assert.equal(
          err.message,
          'template: file:1:3: executing "file" at <include "inner" .>: error calling include: template: helpers:1:25: executing "inner" at <.a.b>: can\'t evaluate field b in type interface {}',
        );
        assert.ok(err.cause instanceof TemplateExecError);
        assert.equal(err.cause.templateName, 'inner');
        assert.equal(err.cause.location, 'helpers:1:25');
        assert.equal(err.cause.context, '.a.b');
        return true;
      },
    );
  });

  test('typed nils keep their type through interface {} parameters; slice parameters get empty values', () => {
    const setup = (t: Template): void => {
      t.funcs({
        nilStrings: goFunc([], () => new GoNil(SLICE_STRING), { type: SLICE_STRING }),
        kind: goFunc([ANY], (v) => (v instanceof GoNil ? `nil ${v.type.name}` : typeof v), { type: STRING }),
        count: goFunc([SLICE_STRING], (l) => goInt(l.length), { type: INT }),
      });
    };
    assert.equal(
      run('{{ kind nilStrings }} {{ count nilStrings }} {{ len nilStrings }} {{ nilStrings }}', undefined, setup),
      'nil []string 0 0 []',
    );
  });

  test('channels are ranged over once, in order', () => {
    const ch = new GoChan(ANY, ['a', 'b', goInt(3)]);
    assert.equal(
      run('{{ len .c }} {{ range $i, $v := .c }}{{ $i }}={{ $v }} {{ end }}{{ len .c }}', { c: ch }),
      '3 0=a 1=b 2=3 0',
    );
  });
});

describe('gotemplate: fmt used directly', () => {
  test("sprint, sprintln, sprintf and formatValue as in Go's fmt documentation", () => {
    assert.equal(sprint('a', 1, 2, 'b', 3.5), 'a1 2b3.5');
    assert.equal(sprintln('a', 1, true), 'a 1 true\n');
    assert.equal(
      sprintf(
        '%6.2f|%-6d|%06d|%x|%X|%o|%O|%b|%e|%E|%g',
        3.14159,
        goInt(42),
        goInt(-42),
        'hi',
        goInt(255),
        goInt(8),
        goInt(8),
        goInt(5),
        1234.5678,
        1e-10,
        1e21,
      ),
      '  3.14|42    |-00042|6869|FF|10|0o10|101|1.234568e+03|1.000000E-10|1e+21',
    );
    assert.equal(sprintf('%[2]d %[1]d %d', goInt(1), goInt(2)), '2 1 2');
    assert.equal(
      sprintf('%*d|%-*d|%.*f', goInt(5), goInt(42), goInt(5), goInt(42), goInt(2), 3.14159),
      '   42|42   |3.14',
    );
    assert.equal(sprintf('%!'), '%!!(MISSING)');
    assert.equal(sprintf('%'), '%!(NOVERB)');
    assert.equal(sprintf('%d %d', goInt(1)), '1 %!d(MISSING)');
    assert.equal(
      sprintf('%.3q %+q %#q %x', 'héllo', 'héllo', 'back`tick', 'é'),
      '"hél" "h\\u00e9llo" "back`tick" c3a9',
    );
    assert.equal(
      sprintf('%U %#U %c %q', goInt(0x1f600), goInt(0x41), goInt(0x1f600), goInt(0x27)),
      "U+1F600 U+0041 'A' 😀 '\\''",
    );
    assert.equal(formatValue([1, 'a', null, { b: 1, a: [true] }]), '[1 a <nil> map[a:[true] b:1]]');
    assert.equal(formatValue(withGoType(['x'], SLICE_STRING)), '[x]');
    assert.equal(sprintf('%v %.2v %5.1f %t', NaN, Infinity, -Infinity, false), 'NaN +Inf  -Inf false');
  });
});

describe('gotemplate: Go strings that are not valid UTF-8', () => {
  // Go strings are bytes: a binary file read as a string keeps every byte, `len` counts them and `%q` prints the
  // invalid ones as \xNN. The engine holds such bytes as byte escapes (lone U+DC80..U+DCFF).
  const binary = Uint8Array.of(0x00, 0x61, 0xff, 0xfe, 0xc3, 0xa9, 0xe2, 0x82, 0xc3);
  test('utf8Decode then utf8Encode gives back the exact bytes', () => {
    const s = utf8Decode(binary);
    assert.deepEqual([...utf8Encode(s)], [...binary]);
    assert.equal(utf8Length(s), binary.length);
    assert.equal(utf8Decode(Uint8Array.of(0xe2, 0x9c, 0x93)), '✓');
    // Overlong forms and encoded surrogates are invalid in Go too: each byte stays a byte.
    assert.deepEqual(
      [...utf8Encode(utf8Decode(Uint8Array.of(0xc0, 0x80, 0xed, 0xa0, 0x80)))],
      [0xc0, 0x80, 0xed, 0xa0, 0x80],
    );
  });
  test('len, %q, %x and printf of such a string as Go prints them', () => {
    const s = utf8Decode(binary);
    assert.equal(run('{{ len . }}', s), '9');
    assert.equal(run('{{ printf "%q" . }}', s), '"\\x00a\\xff\\xfeé\\xe2\\x82\\xc3"');
    assert.equal(run('{{ printf "%x" . }}', s), '0061fffec3a9e282c3');
    // String literals with \x escapes and slicing through a character keep the bytes too.
    assert.equal(
      run('{{ len "\\xff\\xfe" }} {{ printf "%q" "a\\xffb" }} {{ slice "é" 0 1 | printf "%q" }}'),
      '2 "a\\xffb" "\\xc3"',
    );
  });
});
