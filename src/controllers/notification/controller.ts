// The notification-controller's descriptor (controllers/registry.ts): its flags, install pieces and how it starts
// (its event and webhook receiver servers run inside the setup).
import { Option } from 'commander';

import { parseDuration } from '../../runtime/index.ts';
import type { ControllerDescriptor, FlagValues } from '../registry.ts';

/** NotificationFlags are its own flags plus the shared ones it reads (`--events-addr` is where it listens). */
interface NotificationFlags {
  eventsAddr?: string;
  receiverAddr?: string;
  rateLimitInterval?: number;
  /** False when `--no-cross-namespace-refs` is given (commander names a `--no-` flag after what it negates). */
  crossNamespaceRefs?: boolean;
  featureGates?: Record<string, boolean>;
}

function flags(): Option[] {
  return [
    new Option('--receiverAddr <addr>', 'The address the webhook receiver endpoint binds to.').default(':9292'),
    new Option('--rate-limit-interval <duration>', 'Interval in which rate limit has effect.')
      .argParser((v) => parseDuration(v))
      .default(300_000, '5m0s'),
    // Shared with kustomize-controller (registered once); no default: commander's default for a lone `--no-x` is
    // true for `x`, which is Flux's default (allowed).
    new Option(
      '--no-cross-namespace-refs',
      'When set, references between objects are only allowed within one namespace.',
    ),
  ];
}

/** notificationControllerDescriptor: events in, Alerts matched, Providers notified; webhook Receivers. */
export const notificationControllerDescriptor: ControllerDescriptor = {
  name: 'notification-controller',
  kinds: ['Provider', 'Alert', 'Receiver'],
  flags,
  rbac: { clusterAdmin: false },
  install: {
    default: true,
    postsEvents: false,
    eventsService: 'notification-controller',
    webhookPolicy: 'allow-webhooks',
    ports: [
      { name: 'http', containerPort: 9090 },
      { name: 'http-webhook', containerPort: 9292 },
    ],
    args: () => ['--receiverAddr=:9292'],
    services: [
      { name: 'notification-controller', targetPort: 'http' },
      { name: 'webhook-receiver', targetPort: 'http-webhook' },
    ],
  },
  // In one process the other controllers post to the same --events-addr it listens on (a URL is read as host:port).
  devArgs: () => ['--receiverAddr=127.0.0.1:0'],
  run: async (values: FlagValues) => {
    const f = values as NotificationFlags;
    const { notificationController } = await import('./setup.ts');
    const controller = notificationController({
      eventsAddr: f.eventsAddr ?? '',
      receiverAddr: f.receiverAddr ?? ':9292',
      rateLimitIntervalMs: f.rateLimitInterval ?? 300_000,
      noCrossNamespaceRefs: f.crossNamespaceRefs === false,
      objectLevelWorkloadIdentity: f.featureGates?.['ObjectLevelWorkloadIdentity'] === true,
      // Flux reads the Azure cloud from the controller's environment (it picks the Service Bus suffix).
      ...(process.env['AZURE_AUTHORITY_HOST']
        ? { endpoints: { azureAuthorityHost: process.env['AZURE_AUTHORITY_HOST'] } }
        : {}),
    });
    return { setups: [controller], close: () => controller.close() };
  },
};
