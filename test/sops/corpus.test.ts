// Differential test over every YAML file of the shared fixture repositories (real Flux, Kubernetes and Helm
// files with their comments): sops encrypts, we decrypt byte for byte as sops; we encrypt, sops decrypts the same.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { AgeKeyService, AgeRecipient, decrypt, encrypt } from '../../src/engines/sops/index.ts';
import { runSops, setup, sopsBinary, sopsOk, writeTemp, type Fixture } from './support.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';

const FIXTURES = SHARED_FIXTURES;
const sops = await sopsBinary();

function yamlFiles(dir: string): string[] {
  try {
    if (!statSync(dir).isDirectory()) return [];
  } catch {
    return [];
  }
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f))
    .sort();
}

const files = yamlFiles(FIXTURES);

describe('sops differential over the fixture corpus', () => {
  let fx: Fixture;
  before(async () => {
    fx = await setup(sops, false);
  });
  after(() => fx.cleanup());

  test(`${files.length} YAML files`, async () => {
    assert.ok(files.length > 20, `the shared fixtures hold YAML files (found ${files.length} under ${FIXTURES})`);
    const keys = [new AgeKeyService([fx.age.identity])];
    let compared = 0;
    for (const file of files) {
      const theirs = runSops(fx, ['encrypt', '--age', fx.age.recipient, file]);
      if (theirs.status !== 0) continue; // sops refuses it (a top-level list, a Helm template): nothing to compare
      const expected = sopsOk(fx, ['decrypt', writeTemp(fx, '.yaml', theirs.stdout)], { age: [fx.age] });
      const ours = await decrypt(theirs.stdout, { format: 'yaml', keys });
      assert.equal(Buffer.from(ours).toString(), expected.toString(), `decrypting ${file}`);
      const oursEnc = await encrypt(readFileSync(file), {
        format: 'yaml',
        recipients: [new AgeRecipient(fx.age.recipient)],
      });
      const back = sopsOk(fx, ['decrypt', writeTemp(fx, '.yaml', oursEnc)], { age: [fx.age] });
      assert.equal(back.toString(), expected.toString(), `encrypting ${file}`);
      compared++;
    }
    assert.ok(compared >= files.length / 2, `only ${compared} of ${files.length} files were comparable`);
  });
});
