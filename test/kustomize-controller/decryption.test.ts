// SOPS decryption end to end: a Secret encrypted for an age key is committed to Git, and the kustomize-controller
// decrypts it with the key of spec.decryption.secretRef before applying; without decryption configured the
// encrypted Secret is refused, naming it, and nothing of the revision is applied.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { generateX25519Identity, identityToRecipient } from 'age-encryption';

import { AgeRecipient, encrypt } from '../../src/engines/sops/index.ts';
import { useNamespace } from '../support/cluster.ts';
import {
  condition,
  eventMessages,
  getObject,
  gitRepository,
  type Harness,
  kustomization,
  startHarness,
  waitReady,
} from './harness.ts';

let h: Harness;

before(async () => {
  h = await startHarness();
});

after(async () => {
  await h?.stop();
});

const PLAIN = 'hunter2-plaintext-value';

async function encryptedSecret(recipient: string): Promise<string> {
  const doc = `apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
stringData:
  password: ${PLAIN}
`;
  const out = await encrypt(new TextEncoder().encode(doc), {
    format: 'yaml',
    recipients: [new AgeRecipient(recipient)],
    rules: { encryptedRegex: '^(data|stringData)$' },
  });
  return new TextDecoder().decode(out);
}

describe('Kustomization decryption', { concurrency: 2 }, () => {
  test('a SOPS-encrypted Secret is decrypted with the age key of spec.decryption.secretRef', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const identity = await generateX25519Identity();
    const secretYaml = await encryptedSecret(await identityToRecipient(identity));
    assert.ok(!secretYaml.includes(PLAIN), 'the committed file is encrypted');
    const repo = h.git.createRepo(`${ns}-sops`);
    await repo.commit({ files: { 'app/secret.yaml': secretYaml } });
    await h.client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sops-age', namespace: ns },
      data: { 'identity.agekey': Buffer.from(identity).toString('base64') },
    });
    await gitRepository(h, ns, 'repo', `${ns}-sops`);
    await kustomization(h, ns, 'app', {
      path: './app',
      targetNamespace: ns,
      decryption: { provider: 'sops', secretRef: { name: 'sops-age' } },
    });
    await waitReady(h, ns, 'app', 'True');
    const secret = await getObject(h, 'v1', 'Secret', ns, 'db');
    const data = secret?.['data'] as Record<string, string> | undefined;
    assert.equal(Buffer.from(data?.['password'] ?? '', 'base64').toString('utf8'), PLAIN);
    assert.equal(secret?.['sops'], undefined);
  });

  test('an encrypted Secret without decryption configured is refused, naming it, and nothing is applied', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const identity = await generateX25519Identity();
    const repo = h.git.createRepo(`${ns}-nosops`);
    await repo.commit({
      files: {
        'app/secret.yaml': await encryptedSecret(await identityToRecipient(identity)),
        'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "1"\n',
      },
    });
    await gitRepository(h, ns, 'repo', `${ns}-nosops`);
    await kustomization(h, ns, 'app', { path: './app', targetNamespace: ns });
    const ks = await waitReady(h, ns, 'app', 'False', 'ReconciliationFailed');
    const message = condition(ks, 'Ready')?.message ?? '';
    assert.match(message, new RegExp(`Secret/${ns}/db is SOPS encrypted`));
    assert.equal(await getObject(h, 'v1', 'ConfigMap', ns, 'cfg'), undefined);
    assert.equal(await getObject(h, 'v1', 'Secret', ns, 'db'), undefined);
    for (const m of await eventMessages(h, ns, 'app')) assert.ok(!m.includes(PLAIN));
  });
});
