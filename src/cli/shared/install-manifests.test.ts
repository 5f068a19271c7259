import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CONTROLLERS, type ControllerDescriptor } from '../../controllers/index.ts';
import { installOptionsFrom } from '../commands/install.ts';
import { componentLists, componentProblem, DEFAULT_COMPONENTS, EXTRA_COMPONENTS } from './install-manifests.ts';

const run = (): Promise<never> => Promise.reject(new Error('not started in this test'));
const descriptor = (name: string, isDefault: boolean, runnable: boolean): ControllerDescriptor => ({
  name,
  kinds: [],
  rbac: { clusterAdmin: false },
  install: { default: isDefault },
  ...(runnable ? { run } : {}),
});

test('componentLists: defaults and extras hold only runnable controllers, planned ones apart, in registry order', () => {
  const lists = componentLists([
    descriptor('a-controller', true, true),
    descriptor('b-controller', true, false),
    descriptor('c-controller', false, true),
    descriptor('d-controller', false, false),
    descriptor('e-controller', true, true),
  ]);
  assert.deepEqual(lists.defaults, ['a-controller', 'e-controller']);
  assert.deepEqual(lists.extras, ['c-controller']);
  assert.deepEqual(lists.planned, ['b-controller', 'd-controller']);
  assert.equal(lists.all.length, 5);
});

test('componentProblem: a planned controller is refused as not implemented, an unknown one as not Flux', () => {
  const lists = componentLists([descriptor('a-controller', true, true), descriptor('b-controller', true, false)]);
  assert.equal(componentProblem('a-controller', lists), undefined);
  const planned = componentProblem('b-controller', lists);
  assert.equal(planned?.message, 'component "b-controller" is not implemented by fluxts yet');
  assert.match(planned?.hint ?? '', /install some of: a-controller$/);
  assert.equal(componentProblem('nope', lists)?.message, 'component "nope" is not a Flux component');
});

test('the real registry: every default and extra component can run; install refuses each planned one', () => {
  const byName = new Map(CONTROLLERS.map((c) => [c.name, c]));
  for (const name of [...DEFAULT_COMPONENTS, ...EXTRA_COMPONENTS]) assert.ok(byName.get(name)?.run, name);
  assert.ok(DEFAULT_COMPONENTS.includes('source-controller') && DEFAULT_COMPONENTS.includes('kustomize-controller'));
  const flags = {
    registry: 'ghcr.io/fluxts',
    watchAllNamespaces: true,
    logLevel: 'info',
    networkPolicy: true,
    clusterDomain: 'cluster.local',
  };
  assert.deepEqual(installOptionsFrom(flags, 'flux-system').components, DEFAULT_COMPONENTS);
  for (const planned of CONTROLLERS.filter((c) => c.run === undefined)) {
    assert.throws(
      () => installOptionsFrom({ ...flags, componentsExtra: [planned.name] }, 'flux-system'),
      new RegExp(`component "${planned.name}" is not implemented by fluxts yet`),
    );
  }
});
