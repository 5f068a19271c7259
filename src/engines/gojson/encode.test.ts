import assert from 'node:assert/strict';
import { test } from 'node:test';

import { GoStruct, goInt, STRING, INT, structType } from '../gotemplate/index.ts';
import { marshal } from './index.ts';

// encoding/json's struct tags: a renamed field, omitempty of each empty kind, `-` skipping the field, and a field
// without a tag keeping its Go name (Go's documented rules for json.Marshal).
test('struct fields marshal under their JSON tags, omitempty leaves out empty values', () => {
  const T = structType('x.T', [
    { name: 'Name', type: STRING, json: 'name' },
    { name: 'Empty', type: STRING, json: 'empty,omitempty' },
    { name: 'Zero', type: INT, json: ',omitempty' },
    { name: 'Count', type: INT, json: ',omitempty' },
    { name: 'Secret', type: STRING, json: '-' },
    { name: 'Dash', type: STRING, json: '-,' },
    { name: 'Plain', type: STRING },
    { name: 'hidden', type: STRING, exported: false },
  ]);
  const v = new GoStruct(T, {
    Name: 'n',
    Empty: '',
    Zero: goInt(0),
    Count: goInt(2),
    Secret: 's',
    Dash: 'd',
    Plain: 'p',
    hidden: 'h',
  });
  assert.equal(marshal(v), '{"name":"n","Count":2,"-":"d","Plain":"p"}');
});
