import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  commandLine,
  containerEnv,
  cpuMillis,
  expand,
  memoryBytes,
  type PodContext,
  resolvePort,
  restartDelayMs,
  runAs,
  type RunPod,
  SpecError,
} from './pod-spec.ts';
import { podStatus } from './pod-status.ts';
import { serviceTable } from './services.ts';

const ctx: PodContext = {
  podIP: '10.244.0.9',
  nodeIP: '10.200.0.1',
  nodeName: 'node',
  apiserverIP: '10.96.0.1',
  apiserverPort: 443,
};
const pod = (extra: Partial<RunPod['spec']> = {}): RunPod => ({
  metadata: { name: 'web-1', namespace: 'apps', uid: 'u1', labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'img' }], ...extra },
});
const image = {
  Entrypoint: ['/usr/bin/tini', '--', 'node'],
  Cmd: ['--help'],
  Env: ['PATH=/bin', 'HOME=/tmp'],
  User: '65534:65534',
};

test('env: image env, the apiserver, then the container, with $(VAR) and the downward API', () => {
  const env = containerEnv(
    pod(),
    {
      name: 'c',
      image: 'img',
      env: [
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'URL', value: 'http://x.$(NS).svc/$(MISSING)/$$(NS)' },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'token' } } },
        { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'm', key: 'nope', optional: true } } },
      ],
    },
    image,
    ctx,
    (kind, name, key) => (kind === 'Secret' && name === 's' && key === 'token' ? 't0k' : undefined),
  );
  assert.deepEqual(env, [
    'PATH=/bin',
    'HOME=/tmp',
    'HOSTNAME=web-1',
    'KUBERNETES_SERVICE_HOST=10.96.0.1',
    'KUBERNETES_SERVICE_PORT=443',
    'KUBERNETES_SERVICE_PORT_HTTPS=443',
    'KUBERNETES_PORT=tcp://10.96.0.1:443',
    'NS=apps',
    'APP=web',
    'URL=http://x.apps.svc/$(MISSING)/$(NS)',
    'TOKEN=t0k',
  ]);
  assert.throws(
    () =>
      containerEnv(
        pod(),
        { name: 'c', image: 'i', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] },
        image,
        ctx,
        () => undefined,
      ),
    SpecError,
  );
  assert.equal(expand('$(A)$(B)', new Map([['A', '1']])), '1$(B)');
});

test('command line: command replaces the entrypoint and drops cmd; args replace cmd and expand', () => {
  const env = ['NS=apps'];
  assert.deepEqual(commandLine({ name: 'c', image: 'i' }, image, env), ['/usr/bin/tini', '--', 'node', '--help']);
  assert.deepEqual(commandLine({ name: 'c', image: 'i', args: ['controller', '--ns=$(NS)'] }, image, env), [
    '/usr/bin/tini',
    '--',
    'node',
    'controller',
    '--ns=apps',
  ]);
  assert.deepEqual(commandLine({ name: 'c', image: 'i', command: ['/bin/x', '$(NS)'] }, image, env), [
    '/bin/x',
    'apps',
  ]);
  assert.throws(() => commandLine({ name: 'c', image: 'i' }, {}, env), SpecError);
});

test('user: runAsUser over the image user; runAsNonRoot refuses root; fsGroup joins the groups', () => {
  assert.deepEqual(runAs(pod({ securityContext: { fsGroup: 1337 } }), { name: 'c', image: 'i' }, image), {
    uid: 65534,
    gid: 65534,
    groups: [1337],
  });
  const c = { name: 'c', image: 'i', securityContext: { runAsUser: 1000, runAsNonRoot: true } };
  assert.equal(runAs(pod(), c, image).uid, 1000);
  assert.throws(
    () => runAs(pod(), { name: 'c', image: 'i', securityContext: { runAsNonRoot: true } }, {}),
    /runAsNonRoot/,
  );
  assert.throws(() => runAs(pod(), { name: 'c', image: 'i' }, { User: 'app' }), SpecError);
});

test('quantities, ports and back-off', () => {
  assert.equal(memoryBytes('1Gi'), 2 ** 30);
  assert.equal(memoryBytes('64Mi'), 64 * 2 ** 20);
  assert.equal(memoryBytes('1e3'), undefined);
  assert.equal(cpuMillis('1000m'), 1000);
  assert.equal(cpuMillis('0.5'), 500);
  const c = { name: 'c', image: 'i', ports: [{ containerPort: 9440, name: 'healthz' }] };
  assert.equal(resolvePort(c, 'healthz'), 9440);
  assert.equal(resolvePort(c, '8080'), 8080);
  assert.equal(resolvePort(c, 'nope'), undefined);
  assert.deepEqual([1, 2, 3, 6, 7, 20].map(restartDelayMs), [10_000, 20_000, 40_000, 300_000, 300_000, 300_000]);
});

test('status: phase, Ready and transition times follow the containers', () => {
  const base = { restartPolicy: 'Always', podIP: '10.244.0.9', hostIP: '10.200.0.1', startTime: 't0' };
  const waiting = podStatus({
    ...base,
    now: 't1',
    containers: [
      { name: 'c', image: 'i', restartCount: 0, ready: false, state: { waiting: { reason: 'ContainerCreating' } } },
    ],
  });
  assert.equal(waiting['phase'], 'Pending');
  const ready = podStatus({
    ...base,
    now: 't2',
    previous: waiting,
    containers: [{ name: 'c', image: 'i', restartCount: 1, ready: true, state: { running: { startedAt: 't2' } } }],
  });
  assert.equal(ready['phase'], 'Running');
  const conds = ready['conditions'] as { type: string; status: string; lastTransitionTime: string }[];
  assert.deepEqual(
    conds.map((c) => [c.type, c.status, c.lastTransitionTime]),
    [
      ['PodReadyToStartContainers', 'True', 't1'],
      ['Initialized', 'True', 't1'],
      ['Ready', 'True', 't2'],
      ['ContainersReady', 'True', 't2'],
      ['PodScheduled', 'True', 't1'],
    ],
  );
  const done = podStatus({
    ...base,
    restartPolicy: 'Never',
    now: 't3',
    containers: [
      {
        name: 'c',
        image: 'i',
        restartCount: 0,
        ready: false,
        state: { terminated: { exitCode: 2, reason: 'Error', startedAt: 't2', finishedAt: 't3' } },
      },
    ],
  });
  assert.equal(done['phase'], 'Failed');
});

test('services: ready endpoints of pods, the node, and the apiserver become routes and names', () => {
  const table = serviceTable(
    [
      {
        metadata: { name: 'kubernetes', namespace: 'default' },
        spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443 }] },
      },
      {
        metadata: { name: 'source', namespace: 'flux' },
        spec: { clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80 }] },
      },
      {
        metadata: { name: 'git', namespace: 'tenant' },
        spec: { clusterIP: '10.96.0.30', ports: [{ name: 'http', port: 80 }] },
      },
      { metadata: { name: 'headless', namespace: 'flux' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } },
    ],
    [
      {
        metadata: { namespace: 'flux', labels: { 'kubernetes.io/service-name': 'source' } },
        ports: [{ name: 'http', port: 9090 }],
        endpoints: [
          { addresses: ['10.244.0.4'], conditions: { ready: true } },
          { addresses: ['10.244.0.5'], conditions: { ready: false } },
          { addresses: ['10.244.0.99'] },
        ],
      },
      {
        metadata: { namespace: 'tenant', labels: { 'kubernetes.io/service-name': 'git' } },
        ports: [{ name: 'http', port: 3000 }],
        endpoints: [{ addresses: ['10.200.0.1'] }],
      },
    ],
    {
      nodeIP: '10.200.0.1',
      clusterDomain: 'cluster.local',
      apiserverSocket: '/run/api.sock',
      podSocket: (ip, port) => (ip === '10.244.0.99' ? undefined : `/pods/${ip}/port-${port}.sock`),
      hostSocket: (port) => `/host-${port}.sock`,
    },
  );
  assert.deepEqual(table.routes, [
    { ip: '10.96.0.1', port: 443, sockets: ['/run/api.sock'] },
    { ip: '10.96.0.20', port: 80, sockets: ['/pods/10.244.0.4/port-9090.sock'] },
    { ip: '10.96.0.30', port: 80, sockets: ['/host-3000.sock'] },
  ]);
  assert.deepEqual(table.names, {
    'kubernetes.default.svc.cluster.local': '10.96.0.1',
    'source.flux.svc.cluster.local': '10.96.0.20',
    'git.tenant.svc.cluster.local': '10.96.0.30',
  });
  assert.deepEqual(table.hostPorts, [3000]);
});
