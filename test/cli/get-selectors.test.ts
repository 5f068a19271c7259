// `get -l/--label-selector` and `--status-selector` (with flux 2.9's `!=`) compared with the real flux CLI v2.9.5 on
// the same objects: what is listed, and the exact refusal of a selector flux will not parse.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { KubeClient } from '../../src/kube/index.ts';
import { buildFluxCli } from '../cli-create/flux-cli.ts';
import { run } from '../cli-build-diff/support.ts';
import { type TestCluster, useCluster, useNamespace } from '../support/cluster.ts';
import { readyStatus, runCli, setStatus } from './support.ts';

const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };

let cluster: TestCluster;
let client: KubeClient;
let flux: string;
const scratch = mkdtempSync(join(tmpdir(), 'fluxts-get-selectors-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

before(
  async () => {
    cluster = await useCluster();
    client = new KubeClient(cluster.kubeConfig);
    flux = await buildFluxCli(() => undefined);
  },
  { timeout: 25 * 60_000 },
);

async function kustomization(ns: string, name: string, labels: Record<string, string>, ready: boolean) {
  await client.create({
    ...KS,
    metadata: { name, namespace: ns, labels },
    spec: { interval: '10m', path: './', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' } },
  });
  const status = ready
    ? readyStatus(1, 'Applied revision: main@sha1:0123456789abcdef', { lastAppliedRevision: 'main@sha1:01234567' })
    : {
        observedGeneration: 1,
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'BuildFailed',
            message: 'kustomize build failed',
            lastTransitionTime: '2026-01-01T00:00:00Z',
          },
        ],
      };
  await setStatus(client, KS, ns, name, status);
}

describe('get selectors', () => {
  test('label and status selectors list what flux lists', async (t) => {
    const ns = await useNamespace(t, cluster);
    await kustomization(ns, 'apps', { tier: 'apps', team: 'web' }, true);
    await kustomization(ns, 'infra', { tier: 'infra', team: 'platform' }, false);
    await kustomization(ns, 'legacy', { team: 'web' }, true);
    const kc = `--kubeconfig=${cluster.kubeconfigPath}`;
    for (const extra of [
      ['-l', 'tier=apps'],
      ['-l', 'team in (web,ops),!legacy'],
      ['--label-selector', 'tier'],
      ['-l', '!tier'],
      ['-l', 'tier notin (infra)'],
      ['-l', 'team==web', '--status-selector', 'ready!=true'],
      ['-l', 'team=web', '--status-selector', 'ready=true'],
      ['--status-selector', 'ready!=false'],
      ['-l', 'tier=none'],
      ['-A', '-l', 'tier=infra'],
    ]) {
      const args = ['get', 'kustomizations', '-n', ns, ...extra, kc];
      const [ours, ref] = await Promise.all([runCli(args), run(flux, args)]);
      const what = extra.join(' ');
      assert.equal(ours.code, ref.code, `${what}: exit code (flux stderr: ${ref.stderr})`);
      // -A adds the namespace column: normalise the random namespace away in neither output, it is the same.
      assert.equal(ours.stdout, ref.stdout, `${what}: output`);
      assert.equal(ours.stderr, ref.stderr, `${what}: errors`);
    }
  });

  test('a selector flux cannot parse is refused with flux words, before any request', async () => {
    // An unreachable server: flux refuses these selectors before it sends anything, and so must fluxts.
    const kubeconfig = join(scratch, 'unreachable');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
        'contexts: [{name: c, context: {cluster: c, user: u}}]',
        'current-context: c',
        'users: [{name: u, user: {token: t}}]',
        '',
      ].join('\n'),
    );
    for (const selector of [
      'a in',
      'a in (',
      '!!a',
      'a=b,',
      'a>1',
      'a<2',
      'tier!=x',
      'a=b=c',
      'x/y/z=1',
      '-a=b',
      'app=$$',
      'a in (b c)',
      ',',
      'Example.com/a=b',
      'a=b,,c',
      `${'k'.repeat(64)}=v`,
      `k=${'v'.repeat(64)}`,
      'a in (b,,c',
    ]) {
      const args = ['get', 'ks', '-l', selector, `--kubeconfig=${kubeconfig}`, '--timeout=5s'];
      const [ours, ref] = await Promise.all([runCli(args), run(flux, args)]);
      assert.equal(ours.code, ref.code, `${selector}: exit code`);
      assert.equal(ours.stderr, ref.stderr, `${selector}: message`);
    }
  });
});
