// Differential test: Sprig's string functions against Go text/template + Sprig v3.3.0.
import { after, before, test } from 'node:test';

import { compareAll } from './harness.ts';
import { SprigRef } from './sprigref.ts';

let ref: SprigRef;
before(async () => {
  ref = await SprigRef.start();
});
after(() => ref.close());

test('sprig strings: trimming, case, substrings', async () => {
  await compareAll(ref, [
    '{{ trim "  hi \\t\\n" }}|{{ trim "\u00a0x\u3000" }}|{{ trimAll "$-" "$-x-$" }}|{{ trimall "ab" "abcba" }}',
    '{{ trimPrefix "ab" "abab" }}|{{ trimSuffix "b" "abb" }}|{{ trimSuffix "" "ab" }}|{{ trimAll "" "ab" }}',
    '{{ upper "héllo ß ǆ" }}|{{ lower "HÉLLO İ Σ" }}|{{ title "hello wOrld don\'t a-b c_d 1st élan" }}',
    '{{ untitle "Hello World  ÉLAN" }}|{{ swapcase "Hello World ǅ ǆ abc" }}|{{ title "ǆemal ᾳ" }}',
    '{{ substr 1 3 "hello" }}|{{ substr -1 3 "hello" }}|{{ substr 2 -1 "hello" }}|{{ substr 2 99 "hello" }}',
    '{{ substr 0 2 "héllo" }}',
    '{{ substr -1 9 "hello" }}',
    '{{ substr 9 10 "hello" }}',
    '{{ substr 3 2 "hello" }}',
    '{{ substr -2 -1 "hello" }}',
    '{{ substr 6 -1 "hello" }}',
    '{{ trunc 3 "hello" }}|{{ trunc -3 "hello" }}|{{ trunc 10 "hi" }}|{{ trunc -10 "hi" }}|{{ trunc 0 "hi" }}',
    '{{ abbrev 5 "hello world" }}|{{ abbrev 3 "hello world" }}|{{ abbrev 20 "hello" }}|{{ abbrev 4 "" }}',
    '{{ abbrevboth 5 10 "1234 5678 9123 4567" }}|{{ abbrevboth 0 4 "abcdefgh" }}|{{ abbrevboth 3 6 "abcdefghijk" }}',
    '{{ abbrevboth 10 8 "abcdefghijklmno" }}|{{ abbrevboth 20 7 "abcdefghijklmno" }}|{{ abbrevboth -3 7 "abcdefghijklmno" }}',
    '{{ initials "hello big  world" }}|{{ initials "élan vital" }}|{{ initials "" }}|{{ nospace " a b\\tc\\n" }}',
    '{{ nospace "héllo wörld" }}|{{ nospace "abc" }}|{{ nospace "à la" }}',
  ]);
});

test('sprig strings: repeat, wrap, indent, replace, quote', async () => {
  await compareAll(ref, [
    '{{ repeat 3 "ab" }}|{{ repeat 0 "x" }}',
    '{{ repeat -1 "x" }}',
    '{{ wrap 5 "hello world foo bar" }}|{{ wrap 3 "a verylongword b" }}|{{ wrap 0 "a b c" }}|{{ wrap 5 "  leading spaces here" }}',
    '{{ wrapWith 5 "<br>" "hello world verylongword" }}|{{ wrapWith 3 "\\n" "abcdefgh" }}',
    '{{ indent 2 "a\\nb\\n" }}|{{ nindent 4 "x" }}|{{ indent 0 "q" }}',
    '{{ indent -1 "x" }}',
    '{{ replace "a" "bb" "banana" }}|{{ replace "" "-" "héllo" }}|{{ replace "x" "y" "" }}|{{ replace "" "-" "" }}',
    '{{ quote "a\\"b" "c\\\\d" 1 2.5 true nil }}|{{ quote }}|{{ quote nil }}|{{ quote "é\\u00a0\\x01" }}',
    '{{ squote "a\'b" 1 nil }}|{{ cat "a" 1 nil 2.5 (list 1 2) }}|{{ cat }}',
    '{{ plural "one" "many" 1 }}|{{ plural "one" "many" 2 }}|{{ plural "one" "many" 0 }}',
    '{{ contains "ell" "hello" }}|{{ hasPrefix "he" "hello" }}|{{ hasSuffix "lo" "hello" }}|{{ contains "" "" }}',
    '{{ hello }}',
  ]);
});

test('sprig strings: case conversions (xstrings)', async () => {
  const words = [
    'FirstName', 'HTTPServer', 'NoHTTPS', 'GO_PATH', 'GO PATH', 'GO-PATH', 'http2xx', 'HTTP20xOK', 'Duration2m3s',
    'Bld4Floor3rd', 'some_words', 'http_server', 'no_https', '_complex__case_', 'some words', 'GOLANG_IS_GREAT',
    'a', 'A', '', '_', '__a', 'a__', 'ÉlanVital', 'camel.Case', 'a1b2C3', 'ID', 'userID', 'x-y_z w', 'Hello, World!',
    '日本語Text', 'ab12CD34ef', '123', 'a\u00a0b', 'wörldPeace', 'A_B', 'aB', 'ABc', '--a--b--',
  ]; // prettier-ignore
  await compareAll(
    ref,
    words.map((w) => ({ tpl: '{{ snakecase .w }}|{{ kebabcase .w }}|{{ camelcase .w }}', data: { w } })),
  );
});

test('sprig strings: conversions, splitting, joining', async () => {
  await compareAll(ref, [
    '{{ toString 1 }}|{{ toString 2.5 }}|{{ toString nil }}|{{ toString true }}|{{ toString (list 1 "a") }}',
    {
      tpl: '{{ toString .f }}|{{ toString .big }}|{{ toString .m }}',
      data: { f: 1000000, big: 1e21, m: { b: 1, a: [1, 2] } },
    },
    '{{ toStrings (list 1 nil "a" 2.5) }}|{{ toStrings "x" }}|{{ toStrings nil }}|{{ typeOf (toStrings nil) }}',
    '{{ join "," (list 1 nil "a") }}|{{ join "-" "x" }}|{{ join "," (splitList "," "a,b") }}|{{ join "" nil }}',
    '{{ splitList "," "a,b,,c" }}|{{ splitList "" "héllo" }}|{{ splitList "," "" }}|{{ typeOf (splitList "," "a") }}',
    '{{ split "," "a,b,c" }}|{{ (split "," "a,b")._1 }}|{{ splitn "," 2 "a,b,c" }}|{{ splitn "," 0 "a,b" }}|{{ splitn "," -1 "a,b" }}',
    '{{ typeOf (split "," "a") }}|{{ splitn "" 2 "abc" }}',
    '{{ sortAlpha (list "b" "a" "B" "_" "item10" "item9") }}|{{ sortAlpha "x" }}|{{ sortAlpha nil }}|{{ sortAlpha (list 3 1 2) }}',
  ]);
});
