// Differential test: Sprig's list, dict, default and reflection functions against Go + Sprig v3.3.0.
import { after, before, test } from 'node:test';

import { compareAll } from './harness.ts';
import { SprigRef } from './sprigref.ts';

let ref: SprigRef;
before(async () => {
  ref = await SprigRef.start();
});
after(() => ref.close());

const values = { m: { a: 1, b: { c: 'x', d: [1, 2] }, e: null, f: '' }, l: [3, 1, 2, 1], s: 'str', n: 0, z: false };

test('sprig lists', async () => {
  await compareAll(ref, [
    '{{ list 1 "a" nil 2.5 }}|{{ tuple }}|{{ typeOf (list) }}',
    '{{ append (list 1) 2 }}|{{ push (splitList "," "a,b") "c" }}|{{ prepend (list 1) 0 }}|{{ typeOf (append (until 2) 5) }}',
    '{{ first (list 1 2) }}|{{ first (list) }}|{{ last (list 1 2) }}|{{ last (until 0) }}|{{ first (splitList "," "x,y") }}',
    '{{ rest (list 1 2 3) }}|{{ rest (list) }}|{{ initial (list 1 2 3) }}|{{ initial (list) }}',
    // Typed nils (rest/initial of an empty list) reach interface {} parameters as nil: toJson prints null.
    '{{ rest (list) | toJson }}|{{ initial (list) | toJson }}|{{ printf "%#v %v %d" (rest (list)) (rest (list)) (len (rest (list))) }}|{{ kindOf (rest (list)) }}|{{ typeOf (initial (list)) }}|{{ empty (rest (list)) }}|{{ toString (rest (list)) }}',
    '{{ append (rest (list)) 1 }}|{{ concat (rest (list)) (list 2) }}|{{ has 1 (rest (list)) }}|{{ reverse (initial (list)) | toJson }}|{{ compact (rest (list)) | toJson }}|{{ deepCopy (rest (list)) | toJson }}|{{ toPrettyJson (dict "a" (rest (list))) }}',
    '{{ reverse (list 1 2 3) }}|{{ uniq (list 1 1 "a" "a" (list 1) (list 1)) }}|{{ without (list 1 2 3 2) 2 3 }}',
    '{{ has 2 (list 1 2) }}|{{ has "2" (list 1 2) }}|{{ has 1 nil }}|{{ compact (list 0 1 "" "a" nil false (list)) }}',
    '{{ slice (list 1 2 3 4) 1 3 }}|{{ slice (list 1 2 3) 1 }}|{{ slice (list 1 2 3) }}|{{ slice (list) }}|{{ typeOf (slice (splitList "," "a,b") 1) }}',
    '{{ slice (list 1 2 3) 2 1 }}',
    '{{ slice (list 1 2 3) 0 4 }}',
    '{{ slice "abc" 1 }}',
    '{{ concat (list 1 2) (list 3) (splitList "," "a,b") }}|{{ concat }}',
    '{{ concat (list 1) "x" }}',
    '{{ chunk 2 (list 1 2 3 4 5) }}|{{ chunk 3 (list 1 2 3) }}|{{ chunk 2 (list) }}|{{ chunk -5 (list 1 2 3) }}',
    '{{ chunk 0 (list 1 2 3) }}',
    '{{ chunk -1 (list 1 2 3) }}',
    '{{ first "abc" }}',
    '{{ first nil }}',
    '{{ last (dict) }}',
    '{{ append 1 2 }}',
    '{{ prepend "s" 1 }}',
    '{{ rest 1.5 }}',
    '{{ initial true }}',
    '{{ reverse "x" }}',
    '{{ uniq 3 }}',
    '{{ without "x" 1 }}',
    '{{ has 1 "x" }}',
    '{{ compact 1 }}',
    '{{ mustFirst (dict) }}',
    '{{ mustAppend nil 1 }}',
    '{{ mustHas 1 "x" }}',
    '{{ mustChunk 1 "x" }}',
    {
      tpl: '{{ first .l }}|{{ sortAlpha .l }}|{{ uniq .l }}|{{ has 1.0 .l }}|{{ has 1 .l }}|{{ without .l 1.0 }}',
      data: values,
    },
    '{{ until 3 }}|{{ until -3 }}|{{ until 0 }}|{{ untilStep 0 10 3 }}|{{ untilStep 10 0 -4 }}|{{ untilStep 0 10 -1 }}|{{ typeOf (until 1) }}',
    '{{ seq 3 }}|{{ seq 0 }}|{{ seq -2 }}|{{ seq 2 5 }}|{{ seq 5 2 }}|{{ seq 1 2 10 }}|{{ seq 10 -2 1 }}|{{ seq 5 2 1 }}|{{ seq }}|{{ seq 1 2 3 4 }}',
  ]);
});

test('sprig dicts', async () => {
  await compareAll(ref, [
    '{{ dict "a" 1 "b" }}|{{ dict 1 2 nil 3 }}|{{ dict }}|{{ typeOf (dict) }}',
    '{{ $d := dict "a" 1 }}{{ get $d "a" }}|{{ get $d "x" }}|{{ set $d "b" 2 }}|{{ unset $d "a" }}|{{ hasKey $d "b" }}|{{ $d }}',
    '{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }}|{{ pluck "x" }}|{{ pick (dict "a" 1 "b" 2) "a" "c" }}|{{ omit (dict "a" 1 "b" 2) "a" }}',
    '{{ keys (dict "b" 1 "a" 2) (dict "c" 3) | sortAlpha }}|{{ values (dict "a" 1) }}|{{ keys }}',
    '{{ dig "a" "b" "def" (dict "a" (dict "b" 1)) }}|{{ dig "a" "x" "def" (dict "a" (dict "b" 1)) }}|{{ dig "a" "def" (dict) }}',
    '{{ dig "a" "b" "def" (dict "a" 1) }}',
    '{{ dig "a" "def" "notadict" }}',
    '{{ dig 1 "def" (dict) }}',
    '{{ dig "a" (dict) }}',
    '{{ dig "a" "b" "def" (dict "a" nil) }}',
    { tpl: '{{ dig "b" "c" "def" .m }}|{{ dig "e" "def" .m }}|{{ dig "b" "d" "x" .m }}', data: values },
    { tpl: '{{ $c := deepCopy .m }}{{ $_ := set $c.b "c" "changed" }}{{ .m.b.c }}|{{ $c.b.c }}', data: values },
    '{{ deepCopy (list 1 (dict "a" 2)) }}|{{ deepCopy nil }}|{{ mustDeepCopy 3 }}|{{ typeOf (deepCopy (splitList "," "a")) }}',
  ]);
});

test('sprig merge and mergeOverwrite follow mergo', async () => {
  const merges = [
    '(dict "a" 1) (dict "a" 2 "b" 3)',
    '(dict "a" false "b" 0 "c" "" "d" nil) (dict "a" true "b" 5 "c" "x" "d" "y")',
    '(dict "a" true "b" 5 "c" "x") (dict "a" false "b" 0 "c" "")',
    '(dict "a" (dict "x" 1 "y" (dict "z" 1))) (dict "a" (dict "y" (dict "w" 2) "v" 3))',
    '(dict "a" (list 1 2)) (dict "a" (list 3))',
    '(dict "a" (list)) (dict "a" (list 3))',
    '(dict) (dict "a" (list 3) "b" 1)',
    '(dict "z" 1) (dict "a" (list 3))',
    '(dict "z" 1 "a" nil) (dict "a" (list 3))',
    '(dict "a" "str") (dict "a" (dict "x" 1))',
    '(dict "a" (dict "x" 1)) (dict "a" "str")',
    '(dict "a" (dict)) (dict "a" (dict "x" nil))',
    '(dict "a" (dict)) (dict "a" (dict))',
    '(dict "a" 1) (dict "a" nil)',
    '(dict "a" 1) (dict "b" 2) (dict "a" 3 "c" 4)',
    '(dict "a" (splitList "," "x,y")) (dict "a" (list 1))',
  ];
  const cases = merges.flatMap((m) => [`{{ merge ${m} | toJson }}`, `{{ mergeOverwrite ${m} | toJson }}`]);
  cases.push(
    '{{ $d := dict "a" 1 }}{{ $_ := merge $d (dict "b" 2) }}{{ $d }}',
    '{{ $s := dict "x" 1 }}{{ $d := merge (dict) (dict "n" $s) }}{{ $_ := set $s "y" 2 }}{{ $d }}',
    '{{ mustMerge (dict "a" 1) (dict "b" 2) }}|{{ mustMergeOverwrite (dict "a" 1) (dict "a" 2) }}',
  );
  await compareAll(ref, cases);
  await compareAll(ref, [
    {
      tpl: '{{ merge .a .b | toJson }}|{{ .a | toJson }}',
      data: { a: { x: { y: 1 }, l: [1] }, b: { x: { z: 2 }, l: [2], n: null } },
    },
    {
      tpl: '{{ mergeOverwrite .a .b | toJson }}',
      data: { a: { x: { y: 1 }, l: [1] }, b: { x: { z: 2 }, l: [], n: null } },
    },
  ]);
});

test('sprig defaults and reflection', async () => {
  await compareAll(ref, [
    '{{ default "d" "" }}|{{ default "d" "x" }}|{{ default "d" 0 }}|{{ default "d" false }}|{{ default "d" (list) }}|{{ default "d" (dict) }}|{{ default "d" }}|{{ default "d" nil }}',
    '{{ default true false }}|{{ default 1 2 }}|{{ default "d" .missing }}',
    '{{ empty "" }}|{{ empty 0 }}|{{ empty 0.0 }}|{{ empty nil }}|{{ empty (list) }}|{{ empty (dict) }}|{{ empty false }}|{{ empty "x" }}|{{ empty (until 0) }}',
    '{{ coalesce "" 0 nil "x" 1 }}|{{ coalesce }}|{{ coalesce "" }}|{{ all 1 "a" }}|{{ all 1 "" }}|{{ all }}|{{ any "" 0 }}|{{ any "" 1 }}|{{ any }}',
    '{{ ternary "y" "n" true }}|{{ ternary "y" "n" false }}',
    { tpl: '{{ ternary "y" "n" .n }}', data: values },
    '{{ fail "boom" }}',
    {
      tpl: '{{ typeOf .m }}|{{ typeOf .l }}|{{ typeOf .s }}|{{ typeOf .n }}|{{ typeOf .z }}|{{ typeOf .missing }}|{{ typeOf 1 }}|{{ typeOf (int64 1) }}',
      data: values,
    },
    {
      tpl: '{{ kindOf .m }}|{{ kindOf .l }}|{{ kindOf .n }}|{{ kindOf nil }}|{{ kindOf (semver "1.0.0") }}|{{ typeOf (semver "1.0.0") }}|{{ kindOf 1 }}',
      data: values,
    },
    '{{ typeIs "string" "a" }}|{{ typeIs "int" 1 }}|{{ typeIsLike "semver.Version" (semver "1.0.0") }}|{{ kindIs "map" (dict) }}|{{ kindIs "invalid" nil }}',
    '{{ deepEqual (list 1 (dict "a" 2)) (list 1 (dict "a" 2)) }}|{{ deepEqual 1 1.0 }}|{{ deepEqual nil nil }}|{{ deepEqual "a" "a" }}',
  ]);
});
