import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';

import { type Command, InvalidArgumentError, Option } from 'commander';

import { ArtifactStorage, serveStorage } from '../../artifacts/index.ts';
import { kustomizeController } from '../../controllers/kustomize/index.ts';
import { notificationController } from '../../controllers/notification/index.ts';
import { sourceController } from '../../controllers/source/setup.ts';
import {
  type ControllerSetup,
  controllerOptionsFrom,
  parseDuration,
  parseListenAddress,
  registerControllerFlags,
  runManager,
} from '../../runtime/index.ts';

/** CONTROLLERS lists the controllers `fluxts controller` can run; `all` runs every one of them. */
export const CONTROLLERS = ['source-controller', 'kustomize-controller', 'notification-controller'] as const;
export type ControllerName = (typeof CONTROLLERS)[number];

interface StorageFlags {
  storagePath: string;
  storageAddr: string;
  storageAdvAddr: string;
  artifactRetentionTtl: number;
  artifactRetentionRecords: number;
}

/**
 * advertisedAddress derives `--storage-adv-addr` as source-controller does when it is empty: the bound address,
 * with `localhost` for an empty host and the hostname for `0.0.0.0`.
 */
export function advertisedAddress(flag: string, bound: { host: string; port: number }): string {
  if (flag) return flag;
  const host = bound.host === '0.0.0.0' ? hostname() : bound.host || 'localhost';
  return `${host}:${bound.port}`;
}

/** registerControllerCommand adds `fluxts controller <name>…`: run controllers in this process. */
export function registerControllerCommand(program: Command): void {
  const command = program
    .command('controller')
    .description('Run one or more fluxts controllers in this process (all: every controller)')
    .argument('<names...>', `controllers to run: ${[...CONTROLLERS, 'all'].join(', ')}`)
    .addOption(new Option('--storage-path <path>', 'The local storage path.').env('STORAGE_PATH').default('/data'))
    .addOption(
      new Option('--storage-addr <addr>', 'The address the static file server binds to.')
        .env('STORAGE_ADDRESS')
        .default(':9090'),
    )
    .addOption(
      new Option('--storage-adv-addr <addr>', 'The advertised address of the static file server.')
        .env('STORAGE_ADV_ADDR')
        .default(''),
    )
    .addOption(
      new Option('--artifact-retention-ttl <duration>', 'The duration of time that artifacts will be kept in storage.')
        .argParser((v) => parseDuration(v))
        .default(60_000, '1m0s'),
    )
    .addOption(
      new Option('--artifact-retention-records <n>', 'The maximum number of artifacts to be kept in storage.')
        .argParser((v) => Number.parseInt(v, 10))
        .default(2),
    )
    .addOption(
      new Option(
        '--no-cross-namespace-refs',
        'When set, references between objects are only allowed within one namespace.',
      ).default(false),
    )
    .option('--no-remote-bases', 'Disallow remote bases usage in Kustomize overlays.')
    .addOption(
      new Option('--default-service-account <name>', 'Default service account used for impersonation.').default(''),
    )
    .addOption(
      new Option(
        '--default-kubeconfig-service-account <name>',
        'Default service account used for spec.kubeConfig.configMapRef when the ConfigMap names none.',
      ).default(''),
    )
    .addOption(
      new Option('--concurrent-ssa <n>', 'The number of concurrent server-side apply operations.')
        .argParser((v) => Number.parseInt(v, 10))
        .default(4),
    )
    .addOption(
      new Option(
        '--override-manager <name...>',
        'Field managers whose changes are reverted by the controller.',
      ).default([]),
    )
    .addOption(
      new Option(
        '--custom-apply-stage-kinds <kinds>',
        'A comma-separated list of GroupKind (e.g. rbac.authorization.k8s.io/Role) applied in a stage of their own ' +
          'after CRDs and before the other namespaced resources.',
      ).default(''),
    )
    .addOption(
      new Option('--receiverAddr <addr>', 'The address the webhook receiver endpoint binds to.').default(':9292'),
    )
    .addOption(
      new Option('--rate-limit-interval <duration>', 'Interval in which rate limit has effect.')
        .argParser((v) => parseDuration(v))
        .default(300_000, '5m0s'),
    )
    .option(
      '--insecure-kubeconfig-exec',
      'Allow use of the user.exec section in kubeconfigs provided for remote apply.',
    )
    .option(
      '--insecure-kubeconfig-tls',
      'Allow that kubeconfigs provided for remote apply can disable TLS verification.',
    )
    .addHelpText(
      'after',
      `
Examples:
  # Run the source-controller against the current kubeconfig, serving artifacts on port 9090
  fluxts controller source-controller --storage-path ./data --storage-addr 127.0.0.1:9090

  # Run every controller in one process
  fluxts controller all --kubeconfig .fluxts/kubeconfig --storage-path ./data`,
    );
  registerControllerFlags(command);
  command.action(async (names: string[], values: Record<string, unknown>) => {
    const options = controllerOptionsFrom(values);
    const services = await prepareControllers(selectControllers(names), values as unknown as ControllerFlags);
    try {
      await runManager(options, services.setups);
    } finally {
      await services.close();
    }
  });
}

/** ControllerServices are the controllers to run and what they need running beside them (the artifact server). */
export interface ControllerServices {
  setups: ControllerSetup[];
  close(): Promise<void>;
}

/** KustomizeFlags are the kustomize-controller's own flags. */
interface KustomizeFlags {
  /** False when `--no-cross-namespace-refs` is given (commander names a `--no-` flag after what it negates). */
  crossNamespaceRefs?: boolean;
  /** False when `--no-remote-bases` is given. */
  remoteBases?: boolean;
  defaultServiceAccount?: string;
  defaultKubeconfigServiceAccount?: string;
  concurrentSsa?: number;
  overrideManager?: string[];
  customApplyStageKinds?: string;
  insecureKubeconfigExec?: boolean;
  insecureKubeconfigTls?: boolean;
}

/** NotificationFlags are the notification-controller's own flags (and the shared `--events-addr` it binds). */
interface NotificationFlags {
  eventsAddr?: string;
  receiverAddr?: string;
  rateLimitInterval?: number;
  featureGates?: Record<string, boolean>;
}

/** ControllerFlags are the flags of `fluxts controller` beyond the shared controller flags. */
export type ControllerFlags = StorageFlags & KustomizeFlags & NotificationFlags;

/**
 * prepareControllers builds the ControllerSetups of the selected controllers and starts what they need: the
 * source-controller's artifact storage and its HTTP server.
 */
export async function prepareControllers(
  selected: readonly ControllerName[],
  flags: ControllerFlags,
): Promise<ControllerServices> {
  const setups: ControllerSetup[] = [];
  const closers: (() => Promise<void>)[] = [];
  if (selected.includes('source-controller')) {
    await mkdir(flags.storagePath, { recursive: true });
    // Go's `:9090` means every interface.
    const parsed = parseListenAddress(flags.storageAddr);
    const listen = { host: parsed.host ?? '0.0.0.0', port: parsed.port };
    const server = await serveStorage(flags.storagePath, listen);
    closers.push(() => server.close());
    const storage = new ArtifactStorage({
      root: flags.storagePath,
      advertisedAddress: advertisedAddress(flags.storageAdvAddr, {
        host: listen.host,
        port: boundPort(server.address),
      }),
      retention: { ttlMs: flags.artifactRetentionTtl, records: flags.artifactRetentionRecords },
    });
    setups.push(sourceController({ storage }));
  }
  if (selected.includes('kustomize-controller')) {
    setups.push(
      kustomizeController({
        noCrossNamespaceRefs: flags.crossNamespaceRefs === false,
        noRemoteBases: flags.remoteBases === false,
        ...(flags.defaultServiceAccount ? { defaultServiceAccount: flags.defaultServiceAccount } : {}),
        ...(flags.defaultKubeconfigServiceAccount
          ? { defaultKubeConfigServiceAccount: flags.defaultKubeconfigServiceAccount }
          : {}),
        ...(flags.concurrentSsa ? { concurrentSsa: flags.concurrentSsa } : {}),
        ...(flags.overrideManager?.length ? { overrideManagers: flags.overrideManager } : {}),
        ...(flags.customApplyStageKinds
          ? {
              customApplyStageKinds: flags.customApplyStageKinds
                .split(',')
                .map((k) => k.trim())
                .filter(Boolean),
            }
          : {}),
        insecureKubeconfigExec: flags.insecureKubeconfigExec === true,
        insecureKubeconfigTls: flags.insecureKubeconfigTls === true,
      }),
    );
  }
  if (selected.includes('notification-controller')) {
    const notification = notificationController({
      eventsAddr: flags.eventsAddr ?? '',
      receiverAddr: flags.receiverAddr ?? ':9292',
      rateLimitIntervalMs: flags.rateLimitInterval ?? 300_000,
      noCrossNamespaceRefs: flags.crossNamespaceRefs === false,
      objectLevelWorkloadIdentity: flags.featureGates?.['ObjectLevelWorkloadIdentity'] === true,
    });
    setups.push(notification);
    closers.push(() => notification.close());
  }
  return {
    setups,
    close: async () => {
      for (const close of closers) await close();
    },
  };
}

function boundPort(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

function selectControllers(names: string[]): ControllerName[] {
  if (names.includes('all')) return [...CONTROLLERS];
  for (const name of names) {
    if (!(CONTROLLERS as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`unknown controller "${name}"; available: ${[...CONTROLLERS, 'all'].join(', ')}`);
    }
  }
  return names as ControllerName[];
}
