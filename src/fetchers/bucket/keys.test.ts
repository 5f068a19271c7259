import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BucketError } from './errors.ts';
import { localPath, unsafeKeyReason } from './keys.ts';

test('keys inside the root map to paths under it', () => {
  assert.equal(localPath('/tmp/x', 'apps/deploy.yaml', 'b'), '/tmp/x/apps/deploy.yaml');
  assert.equal(localPath('/tmp/x', './a/./b.yaml', 'b'), '/tmp/x/a/b.yaml');
  assert.equal(localPath('/tmp/x', 'a//b..yaml', 'b'), '/tmp/x/a/b..yaml');
  assert.equal(unsafeKeyReason('..foo/bar..'), undefined);
});

test('keys escaping the root are refused, naming key and bucket', () => {
  for (const key of ['../evil.yaml', 'a/../../evil', '/etc/passwd', 'a/..', 'x\0y', '', '.', './']) {
    assert.throws(
      () => localPath('/tmp/x', key, 'podinfo'),
      (err: unknown) =>
        err instanceof BucketError && err.kind === 'unsafe-key' && err.message.includes(`in bucket 'podinfo'`),
      key,
    );
  }
});
