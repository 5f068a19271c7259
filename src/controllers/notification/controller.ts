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
  defaultServiceAccount?: string;
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
    // Shared with kustomize-controller, where it names the account to impersonate; here the workload identity.
    new Option('--default-service-account <name>', 'Default service account used for impersonation.').default(''),
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
    const { azureControllerIdentity } = await import('../../kube/index.ts');
    // Flux reads the cloud identity of the controller itself from its environment, as the SDKs do.
    const env = process.env;
    const azureController = azureControllerIdentity(env);
    const controller = notificationController({
      eventsAddr: f.eventsAddr ?? '',
      receiverAddr: f.receiverAddr ?? ':9292',
      rateLimitIntervalMs: f.rateLimitInterval ?? 300_000,
      noCrossNamespaceRefs: f.crossNamespaceRefs === false,
      objectLevelWorkloadIdentity: f.featureGates?.['ObjectLevelWorkloadIdentity'] === true,
      ...(f.defaultServiceAccount ? { defaultServiceAccount: f.defaultServiceAccount } : {}),
      ...(azureController ? { azureController } : {}),
      ...(env['AZURE_TENANT_ID'] ? { azureTenantFallback: env['AZURE_TENANT_ID'] } : {}),
      // AZURE_AUTHORITY_HOST picks the Entra ID authority and the cloud's Service Bus suffix.
      ...(env['AZURE_AUTHORITY_HOST']
        ? {
            endpoints: { azureAuthorityHost: env['AZURE_AUTHORITY_HOST'] },
            cloudEndpoints: { azureAuthorityHost: env['AZURE_AUTHORITY_HOST'] },
          }
        : {}),
    });
    return { setups: [controller], close: () => controller.close() };
  },
};
