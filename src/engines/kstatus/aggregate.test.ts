import assert from 'node:assert/strict';
import { test } from 'node:test';

import { aggregateStatus, refKey, waitDone, waitError } from './aggregate.ts';
import type { ObjectRef, ResourceStatus, Status } from './types.ts';

const web: ObjectRef = { group: 'apps', kind: 'Deployment', namespace: 'apps', name: 'web' };
const crd: ObjectRef = {
  group: 'apiextensions.k8s.io',
  kind: 'CustomResourceDefinition',
  namespace: '',
  name: 'w.example.com',
};
const job: ObjectRef = { group: 'batch', kind: 'Job', namespace: 'apps', name: 'migrate' };
const rs = (ref: ObjectRef, status: Status, message = '', error?: string): ResourceStatus => ({
  ref,
  status,
  message,
  ...(error && { error }),
});

test('aggregateStatus follows cli-utils: Failed, then Unknown, then all Current', () => {
  assert.equal(aggregateStatus([]), 'Current');
  assert.equal(aggregateStatus(['Current', 'Failed', 'Unknown']), 'Failed');
  assert.equal(aggregateStatus(['Current', 'Unknown', 'InProgress']), 'Unknown');
  assert.equal(aggregateStatus(['Current', 'Current']), 'Current');
  assert.equal(aggregateStatus(['Current', 'NotFound']), 'InProgress');
});

test('waitDone: all Current, fail-fast on Failed, or every object settled', () => {
  assert.equal(waitDone([rs(web, 'Current'), rs(crd, 'Current')], { failFast: true }), true);
  assert.equal(waitDone([rs(web, 'InProgress'), rs(crd, 'Failed')], { failFast: true }), true);
  assert.equal(waitDone([rs(web, 'InProgress'), rs(crd, 'Failed')], { failFast: false }), false);
  assert.equal(waitDone([rs(web, 'Current'), rs(crd, 'Failed')], { failFast: false }), true);
  assert.equal(waitDone([rs(web, 'Current'), rs(job, 'NotFound')], { failFast: true }), false);
  assert.equal(
    waitDone([rs(web, 'Current'), rs(job, 'NotFound')], { failFast: true, jobsWithTTL: new Set([refKey(job)]) }),
    true,
  );
});

test('waitError: Flux wording on timeout, names every object not ready and why', () => {
  const statuses = [rs(web, 'InProgress', 'Available: 1/2'), rs(crd, 'Current'), rs(job, 'Unknown', '', 'boom')];
  assert.equal(
    waitError(statuses, { timedOut: true }),
    "timeout waiting for: [Deployment/apps/web status: 'InProgress': Available: 1/2, Job/apps/migrate status: 'Unknown': boom]",
  );
  assert.equal(
    waitError(statuses, { timedOut: true, details: false }),
    "timeout waiting for: [Deployment/apps/web status: 'InProgress', Job/apps/migrate status: 'Unknown': boom]",
  );
});

test('waitError: early stop lists only Failed objects; never-polled objects cannot be judged', () => {
  const statuses = [rs(web, 'InProgress'), rs(crd, 'Failed', 'names conflict')];
  assert.equal(
    waitError(statuses, { timedOut: false }),
    "failed early due to stalled resources: [CustomResourceDefinition/w.example.com status: 'Failed': names conflict]",
  );
  assert.equal(
    waitError([{ ref: web }], { timedOut: true }),
    "timeout waiting for: [can't determine status for Deployment/apps/web]",
  );
  assert.equal(
    waitError([rs(web, 'Current'), rs(job, 'NotFound')], { timedOut: true, jobsWithTTL: new Set([refKey(job)]) }),
    undefined,
  );
  assert.equal(waitError([rs(web, 'Current')], { timedOut: false }), undefined);
});
