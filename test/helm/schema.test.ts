import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { loadValues } from '../../src/engines/helm/values/load.ts';
import { validateSingle } from '../../src/engines/helm/schema/validate.ts';
import { HelmRef } from './helmref.ts';

/**
 * Differential tests of values.schema.json validation against Helm v4.2.4 (santhosh-tekuri/jsonschema v6 as Helm
 * configures it): the same verdict and the same message. The library walks an object's properties in Go's map
 * order, so for several failures in one object only the set of lines is compared.
 */

const D7 = '"$schema": "http://json-schema.org/draft-07/schema#",';

const CASES: [string, string][] = [
  ['{"type":"object","required":["image"]}', 'replicas: 1'],
  ['{"required":["a","b","c"]}', 'b: 1'],
  ['{"properties":{"replicas":{"type":"integer","minimum":1}}}', 'replicas: 0'],
  ['{"properties":{"replicas":{"type":"integer"}}}', 'replicas: 2.0'],
  ['{"properties":{"replicas":{"type":"integer"}}}', 'replicas: 2.5'],
  ['{"properties":{"port":{"type":"integer","maximum":65535}}}', 'port: 70000'],
  ['{"properties":{"p":{"exclusiveMinimum":0,"exclusiveMaximum":10}}}', 'p: 10'],
  [`{${D7}"properties":{"p":{"exclusiveMinimum":0}}}`, 'p: 0'],
  [
    '{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"p":{"minimum":5,"exclusiveMinimum":true}}}',
    'p: 5',
  ],
  ['{"properties":{"r":{"multipleOf":0.01}}}', 'r: 0.125'],
  ['{"properties":{"r":{"multipleOf":0.01}}}', 'r: 0.12'],
  ['{"properties":{"name":{"type":"string","minLength":3,"maxLength":5}}}', 'name: ab'],
  ['{"properties":{"name":{"maxLength":3}}}', 'name: "日本語です"'],
  ['{"properties":{"name":{"pattern":"^[a-z]+$"}}}', 'name: Web-1'],
  ['{"properties":{"tag":{"type":["string","null"]}}}', 'tag: 5'],
  ['{"properties":{"tag":{"type":["string","null"]}}}', 'tag: null'],
  ['{"properties":{"mode":{"enum":["a","b"]}}}', 'mode: c'],
  ['{"properties":{"mode":{"enum":["only"]}}}', 'mode: c'],
  ['{"properties":{"mode":{"enum":[1, "x", true, null]}}}', 'mode: 2'],
  ['{"properties":{"mode":{"enum":[{"a":1}]}}}', 'mode: {a: 2}'],
  ['{"properties":{"mode":{"const":"fixed"}}}', 'mode: other'],
  ['{"properties":{"mode":{"const":[1]}}}', 'mode: [2]'],
  ['{"properties":{"list":{"type":"array","minItems":2,"uniqueItems":true}}}', 'list: [1]'],
  ['{"properties":{"list":{"uniqueItems":true}}}', 'list: [1, 2, 1.0]'],
  ['{"properties":{"list":{"maxItems":1}}}', 'list: [1, 2]'],
  ['{"properties":{"list":{"items":{"type":"string"}}}}', 'list: [a, 1, b]'],
  ['{"properties":{"list":{"prefixItems":[{"type":"string"}],"items":{"type":"integer"}}}}', 'list: [a, 1, x]'],
  [`{${D7}"properties":{"list":{"items":[{"type":"string"}],"additionalItems":false}}}`, 'list: [a, 1, 2]'],
  ['{"properties":{"list":{"contains":{"type":"string"}}}}', 'list: [1, 2]'],
  ['{"properties":{"list":{"contains":{"type":"string"},"minContains":2}}}', 'list: [1, a]'],
  ['{"properties":{"list":{"contains":{"type":"string"},"maxContains":1}}}', 'list: [a, b]'],
  ['{"additionalProperties":false,"properties":{"a":{}}}', 'b: 1'],
  ['{"additionalProperties":{"type":"string"}}', 'x: 1'],
  ['{"patternProperties":{"^x-":{"type":"integer"}}}', 'x-a: one'],
  ['{"minProperties":2}', 'a: 1'],
  ['{"maxProperties":1}', 'a: 1\nb: 2'],
  ['{"propertyNames":{"pattern":"^[a-z]+$"}}', 'Abc: 1'],
  ['{"properties":{"o":{"propertyNames":{"maxLength":2}}}}', 'o: {abc: 1}'],
  ['{"dependentRequired":{"tls":["cert"]}}', 'tls: true'],
  [`{${D7}"dependencies":{"tls":["cert","key"]}}`, 'tls: true'],
  ['{"properties":{"v":{"anyOf":[{"type":"string"},{"type":"integer"}]}}}', 'v: true'],
  ['{"properties":{"v":{"oneOf":[{"type":"string"},{"type":"integer"}]}}}', 'v: true'],
  ['{"properties":{"v":{"oneOf":[{"type":"number"},{"type":"integer"}]}}}', 'v: 3'],
  ['{"properties":{"v":{"allOf":[{"type":"string"},{"minLength":3}]}}}', 'v: ab'],
  ['{"properties":{"v":{"not":{"type":"string"}}}}', 'v: ab'],
  ['{"if":{"properties":{"kind":{"const":"a"}}},"then":{"required":["x"]},"else":{"required":["y"]}}', 'kind: a'],
  ['{"if":{"properties":{"kind":{"const":"a"}}},"then":{"required":["x"]},"else":{"required":["y"]}}', 'kind: b'],
  ['{"$defs":{"port":{"type":"integer"}},"properties":{"p":{"$ref":"#/$defs/port"}}}', 'p: x'],
  [
    `{${D7}"definitions":{"port":{"type":"integer","minimum":1}},"properties":{"p":{"$ref":"#/definitions/port","maximum":0}}}`,
    'p: 0',
  ],
  ['{"$defs":{"port":{"type":"integer","minimum":1}},"properties":{"p":{"$ref":"#/$defs/port","maximum":0}}}', 'p: 5'],
  ['{"$defs":{"a":{"$anchor":"thing","type":"string"}},"properties":{"p":{"$ref":"#thing"}}}', 'p: 1'],
  [
    '{"$defs":{"node":{"type":"object","properties":{"child":{"$ref":"#/$defs/node"},"v":{"type":"string"}}}},"$ref":"#/$defs/node"}',
    'child: {child: {v: 1}}',
  ],
  [
    `{${D7}"properties":{"mail":{"format":"email"},"host":{"format":"hostname"},"ip":{"format":"ipv4"}}}`,
    'mail: a@b.c\nhost: ok.example\nip: 10.0.0.1',
  ],
  [`{${D7}"properties":{"mail":{"format":"email"}}}`, 'mail: nope'],
  [`{${D7}"properties":{"host":{"format":"hostname"}}}`, 'host: -bad.example'],
  [`{${D7}"properties":{"ip":{"format":"ipv4"}}}`, 'ip: 10.0.0.256'],
  [`{${D7}"properties":{"u":{"format":"uri"}}}`, 'u: /relative'],
  [`{${D7}"properties":{"d":{"format":"date-time"}}}`, 'd: "2024-01-02T10:00:00"'],
  [`{${D7}"properties":{"id":{"format":"uuid"}}}`, 'id: 1234'],
  ['{"properties":{"mail":{"format":"email"}}}', 'mail: nope'],
  ['{"properties":{"n":{"minimum":1000000}}}', 'n: 1234.5'],
  ['{"properties":{"n":{"maximum":10}}}', 'n: 1e+21'],
  ['{"properties":{"a":{"properties":{"b":{"properties":{"c~/d":{"type":"string"}}}}}}}', 'a: {b: {"c~/d": 1}}'],
  ['{"properties":{"s":{"pattern":"it\'s"}}}', 's: "say \\"hi\\""'],
  ['false', 'a: 1'],
  ['true', 'a: 1'],
  ['{"properties":{"a":false}}', 'a: 1'],
  ['{"type":"object","properties":{"a":{"type":"string"}}', 'a: 1'],
  ['{"properties":{"a":{"$ref":"#/$defs/missing"}}}', 'a: 1'],
  ['{"required":["a"],"properties":{"b":{"type":"string"},"c":{"minimum":5}}}', 'b: 1\nc: 2'],
];

describe('values.schema.json validation matches Helm v4.2.4', () => {
  let ref: HelmRef;
  before(async () => {
    ref = await HelmRef.start();
  });
  after(() => ref.close());

  it('gives the same verdict and message', async () => {
    const failures: string[] = [];
    for (const [schema, text] of CASES) {
      const want = await ref.ask({ op: 'schema', inputs: [schema], text });
      const problem = validateSingle(loadValues(text), schema);
      const got = problem === undefined ? { value: 'valid' } : { error: problem };
      const norm = (r: { value: string } | { error: string }): unknown =>
        'error' in r && r.error.startsWith('- at ') ? { lines: r.error.split('\n').sort() } : r;
      if (JSON.stringify(norm(got)) !== JSON.stringify(norm(want))) {
        failures.push(
          `${schema} / ${JSON.stringify(text)}\n  want ${JSON.stringify(want)}\n  got  ${JSON.stringify(got)}`,
        );
      }
    }
    assert.deepEqual(failures, []);
  });
});
