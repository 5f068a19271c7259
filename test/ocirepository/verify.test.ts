// OCIRepository `spec.verify` with cosign public keys, against signatures made by the real cosign CLI: sigstore
// bundles (referrers, tag-schema fallback on this registry) and legacy `.sig` tags pass with the right key; another
// key and an unsigned artifact fail with SourceVerified=False and VerificationError, keeping the last artifact.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { OCIRepository } from '../../src/api/index.ts';
import { buildArtifactLayer } from '../../src/artifacts/index.ts';
import { ociRepositoryType } from '../../src/controllers/source/setup.ts';
import { pushFluxArtifact, RegistryClient } from '../../src/fetchers/oci/index.ts';
import { useNamespace } from '../support/cluster.ts';
import { buildCosign, cosignKeyPair, cosignSign, type CosignKey } from '../support/cosign.ts';
import { eventually } from '../support/eventually.ts';
import { startRegistry, type TestRegistry } from '../support/oci-registry.ts';
import { startHarness, type Condition, type Harness } from '../kustomize-controller/harness.ts';

let h: Harness;
let reg: TestRegistry;
let pusher: RegistryClient;
let cosign: string;
let keyA: CosignKey;
let keyB: CosignKey;
const work = mkdtempSync(join(tmpdir(), 'fluxts-ocirepo-verify-'));

before(async () => {
  [h, reg, cosign] = await Promise.all([startHarness(), startRegistry(), buildCosign()]);
  pusher = new RegistryClient({ registry: reg.host });
  keyA = cosignKeyPair(cosign);
  keyB = cosignKeyPair(cosign);
});
after(async () => {
  pusher?.close();
  await Promise.all([h?.stop(), reg?.stop()]);
  for (const d of [work, keyA?.dir, keyB?.dir]) if (d) rmSync(d, { recursive: true, force: true });
});

let seq = 0;
async function push(repo: string, tag: string, value: string): Promise<string> {
  const dir = join(work, `src-${++seq}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'cm.yaml'),
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  v: "${value}"\n`,
  );
  const layer = join(work, `layer-${seq}.tgz`);
  const packed = await buildArtifactLayer(dir, layer);
  return (await pushFluxArtifact(pusher, repo, tag, layer, packed, { source: 's', revision: value })).digest;
}

const get = (ns: string, name: string): Promise<OCIRepository> =>
  h.client.get<OCIRepository>(ociRepositoryType, { namespace: ns, name });
const cond = (o: OCIRepository, type: string): Condition | undefined =>
  (o.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);

function waitFor(
  ns: string,
  name: string,
  status: 'True' | 'False',
  reason: string,
  extra: (o: OCIRepository) => boolean = () => true,
): Promise<OCIRepository> {
  return eventually(
    `OCIRepository ${ns}/${name} Ready=${status} (${reason})`,
    async () => {
      const o = await get(ns, name);
      const r = cond(o, 'Ready');
      return r?.status === status && r.reason === reason && extra(o) ? o : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

async function setup(ns: string, name: string, repo: string, tag: string, key: CosignKey): Promise<void> {
  await h.client.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${name}-keys`, namespace: ns },
    stringData: { 'cosign.pub': key.publicKey },
  });
  await h.client.create({
    apiVersion: ociRepositoryType.apiVersion,
    kind: 'OCIRepository',
    metadata: { name, namespace: ns },
    spec: {
      url: `${reg.url}/${repo}`,
      interval: '2s',
      ref: { tag },
      verify: { provider: 'cosign', secretRef: { name: `${name}-keys` } },
    },
  });
}

describe('OCIRepository cosign verification', () => {
  test('bundles and legacy .sig signatures pass with the right key', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const dBundle = await push('signed/bundle', 'v1', 'bundle');
    cosignSign(cosign, keyA, `${reg.host}/signed/bundle@${dBundle}`);
    const dLegacy = await push('signed/legacy', 'v1', 'legacy');
    cosignSign(cosign, keyA, `${reg.host}/signed/legacy@${dLegacy}`, true);
    await setup(ns, 'bundle', 'signed/bundle', 'v1', keyA);
    await setup(ns, 'legacy', 'signed/legacy', 'v1', keyA);
    for (const [name, digest] of [
      ['bundle', dBundle],
      ['legacy', dLegacy],
    ] as const) {
      const ok = await waitFor(ns, name, 'True', 'Succeeded');
      assert.equal(ok.status?.artifact?.revision, `v1@${digest}`);
      const verified = cond(ok, 'SourceVerified');
      assert.equal(verified?.status, 'True', name);
      assert.equal(verified?.message, `verified signature of revision v1@${digest}`);
    }
  });

  test('another key and an unsigned artifact fail verification; the last verified artifact stays', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const d = await push('signed/other', 'v1', 'other');
    cosignSign(cosign, keyA, `${reg.host}/signed/other@${d}`);
    await setup(ns, 'wrongkey', 'signed/other', 'v1', keyB);
    const bad = await waitFor(ns, 'wrongkey', 'False', 'VerificationError');
    assert.equal(cond(bad, 'SourceVerified')?.status, 'False');
    assert.match(
      cond(bad, 'Ready')?.message ?? '',
      /^failed to verify the signature using provider 'cosign': no matching signatures were found/u,
    );
    assert.equal(bad.status?.artifact, undefined);

    await setup(ns, 'rolling', 'signed/rolling', 'v1', keyA);
    const good = await push('signed/rolling', 'v1', 'first');
    cosignSign(cosign, keyA, `${reg.host}/signed/rolling@${good}`);
    const first = await waitFor(
      ns,
      'rolling',
      'True',
      'Succeeded',
      (o) => o.status?.artifact?.revision === `v1@${good}`,
    );
    const unsigned = await push('signed/rolling', 'v1', 'unsigned');
    const rejected = await waitFor(ns, 'rolling', 'False', 'VerificationError', (o) =>
      (cond(o, 'Ready')?.message ?? '').includes(unsigned),
    );
    assert.deepEqual(rejected.status?.artifact, first.status?.artifact);
  });
});
