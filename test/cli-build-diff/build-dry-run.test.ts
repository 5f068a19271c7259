// `fluxts build kustomization --dry-run` against the real flux CLI v2.9 (byte for byte, same arguments, same
// directory) and, for a Kustomization without transforms, against `kubectl kustomize` of the same directory plus
// the owner labels flux stamps (compared as objects: kubectl prints kustomize's own YAML and order).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';

import { parseAllDocuments } from 'yaml';

import { buildFluxCli } from '../cli-create/flux-cli.ts';
import { copyFixture, FIXTURES, fluxts, run, snapshot } from './support.ts';
import { ensureControlPlaneBinaries } from '../../src/devcluster/build.ts';

const ks = (
  name: string,
  spec: string,
  namespace = 'flux-system',
): string => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  interval: 10m
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
${spec}`;

const docs = (yaml: string): unknown[] =>
  parseAllDocuments(yaml)
    .map((d) => d.toJS() as unknown)
    .filter((d) => d !== null);

const byId = (objs: unknown[]): Map<string, unknown> =>
  new Map(
    objs.map((o) => {
      const obj = o as { kind: string; metadata: { namespace?: string; name: string } };
      return [`${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, o];
    }),
  );

interface Case {
  name: string;
  /** fixture is copied; path is the --path inside the copy. */
  fixture: string;
  path: string;
  ks: string;
  extra?: string[];
  /** files are written into the copy before the build. */
  files?: Record<string, string>;
}

const SOPS_SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: creds
type: Opaque
stringData:
  password: ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi=,type:str]
sops:
  mac: ENC[AES256_GCM,data:xyz=,iv:uvw=,tag:rst=,type:str]
  lastmodified: "2026-01-01T00:00:00Z"
  version: 3.9.0
---
apiVersion: v1
kind: Secret
metadata:
  name: plain
data:
  token: dG9rZW4=
`;

const CASES: Case[] = [
  {
    name: 'podinfo kustomize dir, path only',
    fixture: 'podinfo',
    path: 'kustomize',
    ks: ks('podinfo', '  path: ./kustomize\n'),
  },
  {
    name: 'overlay with ../base references, path only',
    fixture: 'flux2-kustomize-helm-example',
    path: 'apps/staging',
    ks: ks('apps', '  path: ./apps/staging\n'),
  },
  {
    name: 'overlay with every Kustomization-level transform and substitution',
    fixture: 'flux2-kustomize-helm-example',
    path: 'apps/staging',
    ks: ks(
      'apps',
      `  path: ./apps/staging
  targetNamespace: team-a
  namePrefix: pre-
  nameSuffix: -s
  commonMetadata:
    labels: {team: a}
    annotations: {owner: someone}
  images:
    - name: ghcr.io/stefanprodan/podinfo
      newTag: 6.5.0
  patches:
    - patch: |
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: podinfo
          annotations:
            patched: "yes \${cluster_env}"
        spec:
          values:
            replicaCount: \${replicas}
            missing: \${not_set:=fallback}
      target:
        kind: HelmRelease
  postBuild:
    substitute:
      cluster_env: staging
      replicas: "3"
`,
    ),
  },
  {
    name: 'directory without kustomization.yaml (generated), with a nested kustomization',
    fixture: 'flux2-kustomize-helm-example',
    path: 'clusters/staging',
    ks: ks('cluster', '  path: ./clusters/staging\n'),
  },
  {
    name: 'generated kustomization with --ignore-paths',
    fixture: 'flux2-kustomize-helm-example',
    path: 'clusters/staging',
    ks: ks('cluster', '  path: ./clusters/staging\n'),
    extra: ['--ignore-paths', 'flux-system/,artifacts.yaml'],
  },
  {
    name: 'SOPS-encrypted Secret masked, plain Secret kept, Kustomization without namespace',
    fixture: 'podinfo',
    path: 'secrets',
    files: { 'secrets/secrets.yaml': SOPS_SECRET },
    ks: `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: secrets
spec:
  path: ./secrets
`,
  },
];

// The timeout covers a cold build of the flux CLI (shared with test/cli-create; about ten minutes).
describe('build kustomization --dry-run matches flux v2.9', { timeout: 30 * 60_000 }, () => {
  let flux = '';
  before(
    async () => {
      flux = await buildFluxCli();
    },
    { timeout: 25 * 60_000 },
  );

  for (const c of CASES) {
    it(c.name, async () => {
      const repo = copyFixture(join(FIXTURES, c.fixture));
      for (const [p, text] of Object.entries(c.files ?? {})) {
        await run('mkdir', ['-p', join(repo, p, '..')]);
        writeFileSync(join(repo, p), text);
      }
      const ksFile = join(repo, '..', 'ks.yaml');
      writeFileSync(ksFile, c.ks);
      const name = /name: (\S+)/.exec(c.ks)![1]!;
      const args = ['build', 'ks', name, '--path', join(repo, c.path), '--kustomization-file', ksFile, '--dry-run'];
      const before = snapshot(repo);
      const ours = await fluxts([...args, ...(c.extra ?? [])]);
      assert.equal(ours.code, 0, ours.stderr);
      assert.deepEqual(snapshot(repo), before, 'fluxts build must not write into --path');
      const ref = await run(flux, [...args, ...(c.extra ?? [])]);
      assert.equal(ref.code, 0, ref.stderr);
      assert.equal(ours.stdout, ref.stdout);
    });
  }

  it('path-only build equals kubectl kustomize plus the owner labels', async () => {
    const repo = copyFixture(join(FIXTURES, 'podinfo'));
    const ksFile = join(repo, '..', 'ks.yaml');
    writeFileSync(ksFile, ks('podinfo', '  path: ./kustomize\n'));
    // The kubectl built with the control plane (same version): a machine's own may be missing or older.
    const { kubectl: kubectlBin } = await ensureControlPlaneBinaries();
    const kubectl = await run(kubectlBin, ['kustomize', join(repo, 'kustomize')]);
    assert.equal(kubectl.code, 0, kubectl.stderr);
    const ours = await fluxts([
      'build',
      'ks',
      'podinfo',
      '--path',
      join(repo, 'kustomize'),
      '--kustomization-file',
      ksFile,
      '--dry-run',
    ]);
    assert.equal(ours.code, 0, ours.stderr);
    const expected = docs(kubectl.stdout).map((o) => {
      const obj = o as { metadata: { labels?: Record<string, string> } };
      obj.metadata.labels = {
        ...(obj.metadata.labels ?? {}),
        'kustomize.toolkit.fluxcd.io/name': 'podinfo',
        'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
      };
      return obj;
    });
    assert.deepEqual(byId(docs(ours.stdout)), byId(expected));
    assert.ok(ours.stdout.endsWith('---\n'), 'every document ends with ---');
  });

  it('bad input fails in both with nothing on stdout', async () => {
    const repo = copyFixture(join(FIXTURES, 'podinfo'));
    const ksFile = join(repo, '..', 'ks.yaml');
    writeFileSync(ksFile, ks('podinfo', '  path: ./kustomize\n'));
    const cases = [
      ['build', 'ks', 'podinfo', '--path', join(repo, 'nope'), '--kustomization-file', ksFile, '--dry-run'],
      ['build', 'ks', 'podinfo', '--path', join(repo, 'kustomize'), '--dry-run'],
      ['build', 'ks', 'other', '--path', join(repo, 'kustomize'), '--kustomization-file', ksFile, '--dry-run'],
      [
        'build',
        'ks',
        'podinfo',
        '--path',
        join(repo, 'kustomize'),
        '--kustomization-file',
        join(repo, 'x.yaml'),
        '--dry-run',
      ],
    ];
    for (const args of cases) {
      const ours = await fluxts(args);
      const ref = await run(flux, args);
      assert.notEqual(ref.code, 0, `flux accepted ${args.join(' ')}`);
      assert.notEqual(ours.code, 0, `fluxts accepted ${args.join(' ')}`);
      assert.equal(ours.stdout, '');
      assert.match(ours.stderr, /^✗ [^\n]+\n {2}hint: [^\n]+\n$/);
    }
  });

  it('--strict-substitute fails on an unset variable, as flux', async () => {
    const repo = copyFixture(join(FIXTURES, 'podinfo'));
    writeFileSync(
      join(repo, 'kustomize', 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  v: ${UNSET}\n',
    );
    await run('sed', [
      '-i',
      's/- service.yaml/- service.yaml\\n  - cm.yaml/',
      join(repo, 'kustomize', 'kustomization.yaml'),
    ]);
    const ksFile = join(repo, '..', 'ks.yaml');
    writeFileSync(ksFile, ks('podinfo', '  path: ./kustomize\n  postBuild:\n    substitute:\n      A: b\n'));
    const args = [
      'build',
      'ks',
      'podinfo',
      '--path',
      join(repo, 'kustomize'),
      '--kustomization-file',
      ksFile,
      '--dry-run',
    ];
    const lenient = await fluxts(args);
    const lenientRef = await run(flux, args);
    assert.equal(lenient.code, 0, lenient.stderr);
    assert.equal(lenient.stdout, lenientRef.stdout);
    const strict = await fluxts([...args, '--strict-substitute']);
    const strictRef = await run(flux, [...args, '--strict-substitute']);
    assert.notEqual(strictRef.code, 0);
    assert.notEqual(strict.code, 0);
    assert.equal(strict.stdout, '');
    assert.match(strict.stderr, /UNSET/);
  });
});
