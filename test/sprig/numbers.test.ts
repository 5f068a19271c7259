// Differential test: Sprig's casts and math, regex, encodings, hashes, JSON and paths against Go + Sprig v3.3.0.
import { after, before, test } from 'node:test';

import { compareAll } from './harness.ts';
import { SprigRef } from './sprigref.ts';

let ref: SprigRef;
before(async () => {
  ref = await SprigRef.start();
});
after(() => ref.close());

test('sprig casts follow spf13/cast', async () => {
  const inputs = [
    '1', '-1', '1.0', '5.000', '1.5', '0x1F', '0X1f', '0b11', '0o17', '010', '08', '0', '', ' 1', '1_000', '0x_1F',
    '1e3', '.5', '5.', '.0', '0.0', 'inf', '-Inf', 'NaN', 'nan', '+5', '9223372036854775807', '9223372036854775808',
    '-9223372036854775808', '18446744073709551615', '1e400', '0x1p4', 'abc', 'true',
  ]; // prettier-ignore
  await compareAll(
    ref,
    inputs.map((s) => ({
      tpl: '{{ int .s }}|{{ int64 .s }}|{{ float64 .s }}|{{ atoi .s }}|{{ toDecimal .s }}',
      data: { s },
    })),
  );
  await compareAll(ref, [
    {
      tpl: '{{ int .a }}|{{ int .b }}|{{ int .c }}|{{ int .d }}|{{ int .e }}|{{ int .f }}|{{ int .g }}|{{ int .h }}',
      data: { a: 3.9, b: -1.5, c: 1e20, d: -1e20, e: 1e6, f: true, g: null, h: [1] },
    },
    '{{ int nil }}|{{ int true }}|{{ int false }}|{{ int64 (dict) }}|{{ float64 3 }}|{{ float64 (int64 7) }}|{{ float64 false }}',
    '{{ typeOf (int 1) }}|{{ typeOf (int64 1) }}|{{ typeOf (float64 1) }}|{{ typeOf (add 1 2) }}|{{ typeOf (addf 1 2) }}|{{ typeOf (atoi "1") }}',
    '{{ toDecimal "0777" }}|{{ toDecimal 777 }}|{{ toDecimal "-17" }}|{{ toDecimal 8 }}|{{ toDecimal 1.5 }}',
  ]);
});

test('sprig integer math', async () => {
  await compareAll(ref, [
    '{{ add1 1 }}|{{ add 1 2 3 }}|{{ add }}|{{ sub 5 7 }}|{{ mul 2 3 4 }}|{{ mul 5 }}|{{ div 7 2 }}|{{ div -7 2 }}|{{ mod 7 3 }}|{{ mod -7 3 }}',
    '{{ add "3" 2.9 true nil }}|{{ max 1 5 3 }}|{{ biggest 2 "9" }}|{{ min 4 -2 9 }}|{{ max 1 }}',
    '{{ add 9223372036854775807 1 }}|{{ mul 9223372036854775807 2 }}|{{ div -9223372036854775808 -1 }}',
    '{{ div 1 0 }}',
    '{{ mod 1 0 }}',
    '{{ randInt 5 5 }}',
    '{{ randInt 3 4 }}',
    {
      tpl: '{{ add .a .b }}|{{ sub .a .b }}|{{ mul .a .b }}|{{ div .a .b }}|{{ max .a .b }}',
      data: { a: 10.9, b: 3.2 },
    },
  ]);
});

test('sprig float math goes through shopspring/decimal', async () => {
  await compareAll(ref, [
    '{{ addf 1.1 2.2 }}|{{ add1f 1.5 }}|{{ subf 1 0.9 }}|{{ mulf 1.1 3 }}|{{ divf 1 3 }}|{{ divf 2 3 }}|{{ divf -2 3 }}|{{ divf 10 4 }}',
    '{{ addf }}|{{ addf 0.1 0.2 }}|{{ mulf 0.1 0.1 0.1 }}|{{ divf 1 3 3 }}|{{ subf 5 }}|{{ divf 1e300 1e-300 }}|{{ mulf 1e200 1e200 }}',
    '{{ divf 1 0 }}',
    '{{ addf 1 "x" }}|{{ addf "1.5" 1 }}',
    '{{ maxf 1 2.5 "3" }}|{{ minf 1 -2.5 }}|{{ ceil 1.2 }}|{{ ceil -1.2 }}|{{ floor 1.8 }}|{{ floor "-1.2" }}',
    '{{ round 2.5 0 }}|{{ round 2.4 0 }}|{{ round -2.4 0 }}|{{ round -2.5 0 }}|{{ round 1.2345 2 }}|{{ round 1.235 2 }}|{{ round 1.5 0 0.6 }}|{{ round 123.456 -1 }}',
    '{{ round 1e300 10 }}|{{ round 0.1 20 }}|{{ round 5 0 }}|{{ typeOf (round 1 0) }}|{{ typeOf (ceil 1) }}',
  ]);
});

test('sprig regular expressions follow Go regexp', async () => {
  await compareAll(ref, [
    '{{ regexMatch "^[a-z]+$" "abc" }}|{{ regexMatch "a(" "x" }}|{{ regexMatch "(?i)ABC" "xabcx" }}',
    '{{ regexFind "[0-9]+" "ab123cd45" }}|{{ regexFind "x" "abc" }}|{{ regexFindAll "[0-9]" "a1b2c3" -1 }}|{{ regexFindAll "[0-9]" "a1b2c3" 2 }}|{{ regexFindAll "[0-9]" "a1b2c3" 0 }}|{{ regexFindAll "x*" "axxb" -1 }}',
    '{{ regexFindAll "z" "abc" -1 }}|{{ typeOf (regexFindAll "z" "abc" -1) }}|{{ regexFindAll "" "héllo" -1 }}',
    '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}|{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}|{{ regexReplaceAll "(?P<n>[0-9])" "a1b2" "<$n>" }}|{{ regexReplaceAll "a" "aaa" "$$" }}',
    '{{ regexReplaceAll "" "abc" "-" }}|{{ regexReplaceAll "x*" "abc" "-" }}|{{ regexReplaceAll "b*" "abc" "-" }}|{{ regexReplaceAll "(a)|(b)" "ab" "[$1|$2]" }}|{{ regexReplaceAll "a" "a" "${" }}',
    '{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}|{{ regexSplit "z+" "pizza" -1 }}|{{ regexSplit "z+" "pizza" 1 }}|{{ regexSplit "z+" "pizza" 0 }}|{{ regexSplit "" "abc" -1 }}|{{ regexSplit "a" "" -1 }}|{{ regexSplit "" "" -1 }}',
    '{{ regexQuoteMeta "1.2+[x]{y}(z)|^$\\\\?*" }}',
    '{{ regexFind "a(" "x" }}',
    '{{ regexFindAll "[z-a]" "x" 1 }}',
    '{{ regexReplaceAll "a**" "x" "y" }}',
    '{{ regexSplit "(?<=a)b" "ab" -1 }}',
    '{{ regexFind "`" "x" }}',
    '{{ regexFind "a)" "`" }}',
    '{{ regexFind "\\\\8" "x" }}',
    '{{ regexMatch "x{1001}" "x" }}',
    '{{ mustRegexMatch "(" "x" }}',
    '{{ mustRegexFind "(?<n" "x" }}',
    '{{ mustRegexFindAll "[" "x" 1 }}',
    '{{ mustRegexReplaceAll "+" "x" "y" }}',
    '{{ mustRegexReplaceAllLiteral "a{2,1}" "x" "y" }}',
    '{{ mustRegexSplit "\\\\pX" "x" 1 }}',
    '{{ mustRegexFind "\\\\C" "x" }}',
    '{{ regexFind "(?i)straße" "STRASSE Straße" }}|{{ regexFindAll "\\\\b\\\\w+\\\\b" "héllo wörld" -1 }}|{{ regexFind "\\\\s+" "a\\u00a0 b" }}',
  ]);
});

test('sprig encodings and hashes', async () => {
  const b64 = [
    'aGk=',
    'aGk',
    'aG=k',
    'aGk=x',
    'a',
    'aGVsbG8=\n',
    'aGVs\r\nbG8=',
    '',
    '====',
    'aGVsbG8',
    '!!!!',
    'aGV=bG8=',
    'aG==',
    'aGk==',
    'aGVsbG8gd29ybGQ=',
    'YQ==YQ==',
  ];
  const b32 = [
    'NBUQ====',
    'NBUQ',
    'NBUQ===',
    'MFRGG===',
    '',
    'nbuq====',
    'NB\nUQ====',
    'MFRGGZDF',
    'MFRGGZDFMZTQ====',
    'M=======',
    'MFR=====',
    'MFRGGZD=',
    'MFRGG=X=',
    '1234',
  ];
  await compareAll(ref, [
    ...b64.map((s) => ({ tpl: '{{ b64dec .s }}', data: { s } })),
    ...b32.map((s) => ({ tpl: '{{ b32dec .s }}', data: { s } })),
    '{{ b64enc "hello wörld" }}|{{ b64enc "" }}|{{ b32enc "hello" }}|{{ b32enc "a" }}|{{ b32enc "" }}|{{ b32enc "abcdef" }}',
    '{{ sha1sum "abc" }}|{{ sha256sum "abc" }}|{{ sha512sum "" }}|{{ adler32sum "Wikipedia" }}|{{ adler32sum "" }}|{{ sha256sum "héllo" }}',
    { tpl: '{{ adler32sum .s }}', data: { s: 'x'.repeat(20000) } },
    '{{ sha256sum 1 }}',
  ]);
});

test('sprig JSON follows encoding/json', async () => {
  await compareAll(ref, [
    '{{ toJson (dict "b" 1 "a" (list 1 2.5 "x" nil true) "<" "&>" "u" "\\u2028\\u2029\\x01\\x7f\\b\\f") }}',
    '{{ toRawJson (dict "<" "&>") }}|{{ toPrettyJson (dict "a" (list 1 (dict)) "b" (dict) "c" (list)) }}|{{ toPrettyJson 1 }}',
    {
      tpl: '{{ toJson .v }}|{{ toPrettyJson .v }}',
      data: { v: { big: 1e21, small: 1e-7, n: 1000000, f: 0.000001, neg: -0.0, i: 123456789012, s: 'é' } },
    },
    '{{ toJson (int64 5) }}|{{ toJson (until 3) }}|{{ toJson (splitList "," "a,b") }}|{{ toJson (split "," "a,b") }}|{{ toJson (semver "v1.2.3") }}|{{ toJson nil }}',
    '{{ toJson (addf 0 1e400) }}|{{ toJson (list (divf 1 3)) }}',
    '{{ fromJson "{\\"a\\":[1,2.5,\\"x\\",null,true,{}]}" }}|{{ fromJson "[1]" }}|{{ fromJson "3" }}|{{ fromJson "\\"s\\"" }}',
    '{{ fromJson "{\\"a\\":1e400,\\"b\\":2}" }}',
    '{{ mustFromJson "{\\"a\\":1e400}" }}',
    '{{ fromJson "{\\"a\\":\\"\\\\ud83d\\\\ude00\\\\ud83d\\\\u0041\\\\t\\\\/\\"}" }}',
    ...[
      '',
      '{',
      '[1,]',
      '{"a"}',
      '{"a":1,}',
      'tru',
      'nul',
      'fals',
      '1.',
      '-',
      '1e',
      '"\\x"',
      '"\\u12"',
      '[1 2]',
      '{"a":1 "b"}',
      '{1:2}',
      'é',
      "'",
      '"a"x',
      '01',
      '"\t"',
      '  ',
      '[',
      '{"a":',
    ].map((j) => ({ tpl: '{{ mustFromJson .j }}', data: { j } })),
    '{{ mustToJson (dict "a" (list 1 (addf 0 1))) }}|{{ mustToPrettyJson (list) }}|{{ mustToRawJson "<>" }}',
  ]);
});

test('sprig paths and misc', async () => {
  const paths = [
    '',
    '/',
    'a',
    'a/',
    'a/b',
    '/a/b/',
    'a//b',
    './a/../b',
    '../../x',
    '/../x',
    'a/b.c.d',
    '.bashrc',
    'a.b/c',
    '/a/./b/..',
  ];
  await compareAll(ref, [
    ...paths.map((p) => ({
      tpl: '{{ base .p }}|{{ dir .p }}|{{ clean .p }}|{{ ext .p }}|{{ isAbs .p }}|{{ osBase .p }}|{{ osDir .p }}|{{ osClean .p }}|{{ osExt .p }}|{{ osIsAbs .p }}',
      data: { p },
    })),
    '{{ getHostByName "localhost" }}',
    '{{ semverCompare ">=1.2" "1.3.0" }}|{{ semver "v1.2.3-rc.1+b" }}|{{ (semver "1.2.3").Major }}|{{ typeOf (semver "1.2.3").Major }}',
    '{{ semverCompare "foo" "1.0.0" }}',
    '{{ semver "x" }}',
    '{{ semverCompare ">1" "bad" }}',
    '{{ (semver "1.2.3").LessThan (semver "1.3.0") }}|{{ (semver "1.2.3").Compare (semver "1.2.3") }}|{{ (semver "v1.2.3").IncMinor }}',
  ]);
});

test('sprig urlParse and urlJoin follow net/url', async () => {
  const urls = [
    'https://user:p%40ss@example.com:8443/a/b%20c?x=1&y=2#frag%20ment', 'http://example.com', 'mailto:joe@example.com',
    '/relative/path?q', 'http://[::1]:80/x', 'http://[fe80::1%25en0]/', 'foo://a:b:c/', 'http://a:b:c/', 'http://h:xx/',
    'http://[::1', 'http://a[b]/', '1http://x', ':foo', 'a:b/c', 'this:that', 'x/y:z', 'http://%41/', 'http://h/%zz',
    'http://h/é', 'http://u@h', 'http://u:@h', 'http://a b/', 'http://h/?', '', '*', 'file:///etc/passwd', 'http://h#%',
    'HTTP://Example.COM/Path', '//host/path', '///a', 'http://h/a?b?c', 'http://ü.de/',
  ]; // prettier-ignore
  await compareAll(
    ref,
    urls.map((u) => ({ tpl: '{{ $p := urlParse .u }}{{ $p | toJson }}|{{ urlJoin $p }}', data: { u } })),
  );
  await compareAll(ref, [
    '{{ urlJoin (dict "scheme" "https" "host" "h:1" "path" "a b/ü" "query" "q=1" "fragment" "f g" "userinfo" "us er:pa ss") }}',
    '{{ urlJoin (dict "path" "a:b") }}|{{ urlJoin (dict) }}|{{ urlJoin (dict "opaque" "x@y" "scheme" "mailto") }}',
    '{{ urlJoin (dict "host" 1) }}',
    '{{ urlJoin (dict "userinfo" "a/b") }}',
  ]);
});
