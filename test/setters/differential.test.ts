// engines/setters against kyaml as image-automation-controller uses it: the same files change, with the same
// changes (setter, old value, new value, object), and the same YAML results. Where the input is already in the
// layout kyaml writes, the bytes must be identical too; elsewhere fluxts keeps the untouched bytes that kyaml
// re-formats, which the last case shows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { parseAllDocuments } from 'yaml';

import { updateWithSetters } from '../../src/engines/setters/index.ts';
import { KyamlRef, type KyamlRequest } from './kyamlref.ts';
import { CASES, POLICIES } from './cases.ts';

const documents = (text: string): unknown[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((d) => d !== null);

describe('setters: differential against kyaml', () => {
  let ref: KyamlRef;
  before(async () => {
    ref = await KyamlRef.start();
  });
  after(() => ref.close());

  for (const c of CASES) {
    it(c.name, async () => {
      const request: KyamlRequest = { files: c.files, policies: c.policies ?? POLICIES };
      const want = await ref.ask(request);
      assert.equal(want.error, undefined);
      const got = updateWithSetters(
        Object.entries(c.files).map(([path, text]) => ({ path, text })),
        request.policies,
      );
      const gotChanges = [...got.fileChanges].flatMap(([file, objects]) =>
        objects.flatMap((o) => o.changes.map((ch) => ({ file, ...ch, ...o.object }))),
      );
      const key = (x: { file: string; setter: string; oldValue: string; newValue: string }) =>
        `${x.file} ${x.setter} ${x.oldValue} ${x.newValue}`;
      assert.deepEqual(
        gotChanges.map((x) => ({ ...x })).sort((a, b) => key(a).localeCompare(key(b))),
        want.changes.map((x) => ({ ...x })).sort((a, b) => key(a).localeCompare(key(b))),
      );
      assert.deepEqual(got.files.map((f) => f.path).sort(), Object.keys(want.files).sort());
      for (const f of got.files) {
        const kyaml = want.files[f.path] ?? '';
        assert.deepEqual(documents(f.text), documents(kyaml), `${f.path}: same YAML`);
        if (c.sameBytes) assert.equal(f.text, kyaml, `${f.path}: same bytes`);
        else if (c.keepsBytesKyamlChanges) assert.notEqual(f.text, kyaml, `${f.path}: kyaml re-formats`);
      }
    });
  }
});
