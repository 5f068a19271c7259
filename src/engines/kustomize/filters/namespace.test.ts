import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseResources } from '../parse.ts';
import { Problems } from '../errors.ts';
import { renderResources } from '../output.ts';
import { setNamespace } from './namespace.ts';

const BINDING = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb
  namespace: keep
subjects:
- kind: ServiceAccount
  name: default
- kind: ServiceAccount
  name: app
- kind: User
  name: default
  namespace: set
`;

function subjects(mode: string, unsetOnly = false): string {
  const rs = parseResources(BINDING, 'rb.yaml', new Problems());
  assert.equal(setNamespace(rs, 'target', { subjects: mode, unsetOnly, fieldSpecs: [] }), undefined);
  return renderResources(rs);
}

test('setNamespace: defaultOnly sets subjects named default, whatever their kind', () => {
  const out = subjects('defaultOnly');
  assert.match(out, /name: default\n {2}namespace: target\n- kind: ServiceAccount\n {2}name: app\n- kind: User/);
  assert.match(out, /kind: User\n {2}name: default\n {2}namespace: target/);
});

test('setNamespace: allServiceAccounts sets every ServiceAccount subject; none leaves subjects alone', () => {
  assert.match(subjects('allServiceAccounts'), /name: app\n {2}namespace: target/);
  assert.doesNotMatch(subjects('none'), /namespace: target\n- kind/);
});

test('setNamespace: unsetOnly keeps namespaces already written', () => {
  const out = subjects('defaultOnly', true);
  assert.match(out, /name: rb\n {2}namespace: keep/);
  assert.match(out, /kind: User\n {2}name: default\n {2}namespace: set/);
});

test('setNamespace: an unknown subjects mode is refused', () => {
  assert.match(
    setNamespace([], 'x', { subjects: 'some', fieldSpecs: [] }) ?? '',
    /invalid value "some" for setRoleBindingSubjects/,
  );
});
