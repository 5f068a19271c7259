// notification-controller in this process against the test cluster, its servers on loopback ports, providers
// retrying fast so failure tests stay short.
import { Command } from 'commander';

import {
  type NotificationController,
  notificationController,
  type NotificationControllerOptions,
  type SentNotification,
} from '../../src/controllers/notification/setup.ts';
import { KubeClient, type KubeObject } from '../../src/kube/index.ts';
import { controllerOptionsFrom, createLogger, registerControllerFlags, startManager } from '../../src/runtime/index.ts';
import { type TestCluster, useCluster } from '../support/cluster.ts';

export interface NotificationHarness {
  cluster: TestCluster;
  client: KubeClient;
  controller: NotificationController;
  eventsUrl: string;
  receiverUrl: string;
  /** metrics reads the manager's Prometheus exposition (the controller's --metrics-addr). */
  metrics(): Promise<string>;
  sent: SentNotification[];
  stop(): Promise<void>;
}

export async function startNotification(
  overrides: Partial<NotificationControllerOptions> = {},
): Promise<NotificationHarness> {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const sent: SentNotification[] = [];
  const controller = notificationController({
    eventsAddr: '127.0.0.1:0',
    receiverAddr: '127.0.0.1:0',
    rateLimitIntervalMs: 300_000,
    noCrossNamespaceRefs: false,
    retry: { retries: 2, minWaitMs: 50, maxWaitMs: 200 },
    onSent: (s) => sent.push(s),
    ...overrides,
  });
  const flags = registerControllerFlags(new Command()).parse(
    ['--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0', '--max-retry-delay=2s', '--log-level=error'],
    { from: 'user' },
  );
  const running = await startManager(controllerOptionsFrom(flags.opts()), [controller], {
    kubeConfig: cluster.kubeConfig,
    logger: createLogger('error'),
  });
  const ports = await controller.listening();
  return {
    cluster,
    client,
    controller,
    eventsUrl: `http://127.0.0.1:${ports.events}/`,
    receiverUrl: `http://127.0.0.1:${ports.receiver}`,
    metrics: async () => (await fetch(`http://127.0.0.1:${running.metricsPort}/metrics`)).text(),
    sent,
    async stop() {
      await running.stop();
      await controller.close();
    },
  };
}

/** create makes an object in a namespace. */
export function create(client: KubeClient, obj: KubeObject): Promise<KubeObject> {
  return client.create(obj);
}

/** secret builds a Secret with string data. */
export function secret(namespace: string, name: string, data: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}
