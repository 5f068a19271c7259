// fetchers/helm against a real Helm repository (packages and index.yaml made by the real helm): the index and its
// revision, charts resolved and downloaded byte for byte, basic auth, TLS and mutual TLS, where credentials go
// (passCredentials), and the getter's errors in Helm's and Go's words.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { HelmRepositoryClient, parseIndex, selectChartVersion } from '../../src/fetchers/helm/index.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';
import { startHelmRepository, type TestHelmRepository } from '../support/helm-repository.ts';

const PODINFO = join(SHARED_FIXTURES, 'podinfo', 'charts', 'podinfo');
const sha256 = (b: Uint8Array | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

let plain: TestHelmRepository;
let basic: TestHelmRepository;
let mtls: TestHelmRepository;
let elsewhere: TestHelmRepository;
let pointing: TestHelmRepository;

before(async () => {
  [plain, basic, mtls, elsewhere] = await Promise.all([
    startHelmRepository(),
    startHelmRepository({ auth: 'basic' }),
    startHelmRepository({ mtls: true }),
    startHelmRepository({ auth: 'basic' }),
  ]);
  pointing = await startHelmRepository({ auth: 'basic', baseUrl: elsewhere.url });
  for (const repo of [plain, basic, mtls, elsewhere, pointing]) repo.addChart(PODINFO, '6.14.1');
  plain.addChart(PODINFO, '6.15.0', { appVersion: '6.15.0' });
});
after(async () => {
  await Promise.all([plain, basic, mtls, elsewhere, pointing].map((r) => r?.stop()));
});

describe('HelmRepositoryClient', () => {
  test('fetches the index (revision = digest of its bytes) and downloads the chosen package as served', async () => {
    const client = new HelmRepositoryClient({ repositoryUrl: plain.url });
    const fetched = await client.fetchIndex();
    assert.equal(fetched.digest, sha256(plain.index()));
    const index = parseIndex(fetched.bytes);
    assert.deepEqual(
      index.entries['podinfo']?.map((cv) => cv?.version),
      ['6.15.0', '6.14.1'],
    );
    const chosen = selectChartVersion(index, 'podinfo', '~6.14');
    assert.equal(chosen.version, '6.14.1');
    const bytes = await client.downloadChart(chosen);
    assert.equal(sha256(bytes), sha256(readFileSync(join(plain.dir, 'podinfo-6.14.1.tgz'))));
    assert.equal(`sha256:${chosen.digest}`, sha256(bytes));
  });

  test('basic auth, and the getter errors', async () => {
    const ok = new HelmRepositoryClient({ repositoryUrl: basic.url, basicAuth: basic.user });
    assert.equal((await ok.fetchIndex()).digest, sha256(basic.index()));
    await assert.rejects(new HelmRepositoryClient({ repositoryUrl: basic.url }).fetchIndex(), {
      message: `failed to fetch ${basic.url}index.yaml : 401 Unauthorized`,
    });
    // Helm sends credentials only when both are set.
    await assert.rejects(
      new HelmRepositoryClient({ repositoryUrl: basic.url, basicAuth: { ...basic.user, password: '' } }).fetchIndex(),
      { message: `failed to fetch ${basic.url}index.yaml : 401 Unauthorized` },
    );
    await assert.rejects(new HelmRepositoryClient({ repositoryUrl: `${plain.url}missing/` }).fetchIndex(), {
      message: `failed to fetch ${plain.url}missing/index.yaml : 404 Not Found`,
    });
    const closed = await startHelmRepository();
    const url = closed.url;
    await closed.stop();
    await assert.rejects(new HelmRepositoryClient({ repositoryUrl: url }).fetchIndex(), {
      message: `Get "${url}index.yaml": dial tcp ${url.slice(7, -1)}: connect: connection refused`,
    });
    await assert.rejects(new HelmRepositoryClient({ repositoryUrl: plain.url, maxIndexBytes: 10 }).fetchIndex(), {
      message: 'index exceeds the maximum index file size of 10 bytes',
    });
  });

  test('TLS: a CA extends the roots; mutual TLS needs the client certificate', async () => {
    const pki = mtls.pki!;
    const full = new HelmRepositoryClient({
      repositoryUrl: mtls.url,
      tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey },
    });
    assert.equal((await full.fetchIndex()).digest, sha256(mtls.index()));
    await assert.rejects(new HelmRepositoryClient({ repositoryUrl: mtls.url, tls: { ca: pki.ca } }).fetchIndex(), {
      message: `Get "${mtls.url}index.yaml": remote error: tls: certificate required`,
    });
    await assert.rejects(new HelmRepositoryClient({ repositoryUrl: mtls.url }).fetchIndex(), {
      message: `Get "${mtls.url}index.yaml": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    });
  });

  test('credentials go only to the repository host, unless passCredentials', async () => {
    for (const passCredentials of [false, true]) {
      const client = new HelmRepositoryClient({
        repositoryUrl: pointing.url,
        basicAuth: pointing.user,
        passCredentials,
      });
      const chart = selectChartVersion(parseIndex((await client.fetchIndex()).bytes), 'podinfo', '*');
      assert.equal(chart.urls[0], `${elsewhere.url}podinfo-6.14.1.tgz`);
      const download = client.downloadChart(chart);
      if (passCredentials) {
        assert.equal(sha256(await download), sha256(readFileSync(join(elsewhere.dir, 'podinfo-6.14.1.tgz'))));
      } else {
        await assert.rejects(download, {
          message: `failed to fetch ${elsewhere.url}podinfo-6.14.1.tgz : 401 Unauthorized`,
        });
      }
    }
    assert.deepEqual(
      elsewhere.requests.map((r) => [r.path, r.authorization, r.status]),
      [
        ['/podinfo-6.14.1.tgz', false, 401],
        ['/podinfo-6.14.1.tgz', true, 200],
      ],
    );
  });
});
