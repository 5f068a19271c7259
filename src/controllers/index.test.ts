import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Command } from 'commander';

import { FLUX_KINDS } from '../api/index.ts';
import {
  CONTROLLERS,
  controllerOf,
  registerControllerOptions,
  runnableControllers,
  selectControllers,
  UnknownControllerError,
} from './index.ts';
import { kustomizeOptions } from './kustomize/index.ts';

test('every Flux kind is reconciled by exactly one registered controller, and names are unique', () => {
  for (const kind of FLUX_KINDS) {
    const owners = CONTROLLERS.filter((c) => (c.kinds as readonly string[]).includes(kind.kind));
    assert.equal(owners.length, 1, `${kind.kind}: ${owners.map((c) => c.name).join(', ')}`);
  }
  assert.equal(new Set(CONTROLLERS.map((c) => c.name)).size, CONTROLLERS.length);
  assert.equal(controllerOf('Kustomization')?.name, 'kustomize-controller');
  assert.equal(controllerOf('ConfigMap'), undefined);
});

test('selectControllers: `all` is every runnable controller; unknown and not yet implemented names are refused', () => {
  assert.deepEqual(selectControllers(['all']), runnableControllers());
  assert.deepEqual(
    selectControllers(['kustomize-controller']).map((c) => c.name),
    ['kustomize-controller'],
  );
  assert.throws(() => selectControllers(['nope']), UnknownControllerError);
  assert.deepEqual(runnableControllers(), [...CONTROLLERS]);
});

test('registerControllerOptions adds each flag once, and the kustomize flags keep Flux defaults', () => {
  const cmd = registerControllerOptions(new Command('controller'), [
    ...runnableControllers(),
    ...runnableControllers(),
  ]);
  const longs = cmd.options.map((o) => o.long);
  assert.equal(new Set(longs).size, longs.length);
  const parse = (argv: string[]) => {
    const c = registerControllerOptions(new Command('controller')).exitOverride();
    c.parse(argv, { from: 'user' });
    return kustomizeOptions(c.opts());
  };
  const defaults = parse([]);
  assert.equal(defaults.noCrossNamespaceRefs, false, 'cross-namespace references are allowed by default');
  assert.equal(defaults.noRemoteBases, false);
  assert.equal(defaults.concurrentSsa, 4);
  const set = parse(['--no-cross-namespace-refs', '--no-remote-bases', '--custom-apply-stage-kinds', 'a/B, c/D']);
  assert.equal(set.noCrossNamespaceRefs, true);
  assert.equal(set.noRemoteBases, true);
  assert.deepEqual(set.customApplyStageKinds, ['a/B', 'c/D']);
});
