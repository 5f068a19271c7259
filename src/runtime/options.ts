import { InvalidArgumentError, Option, type Command } from 'commander';

import { selectorForList } from '../util/label-selector.ts';
import { parseDuration } from './duration.ts';
import { defaultIntervalJitterPercentage } from './jitter.ts';
import type { LogEncoding, LogLevel } from './logger.ts';

/** ControllerProcessOptions are Flux's shared controller flags (flux-api.md §8.1), parsed and typed. */
export interface ControllerProcessOptions {
  concurrent: number;
  /** eventsAddr is notification-controller's event endpoint URL; empty disables forwarding. */
  eventsAddr: string;
  metricsAddr: string;
  healthAddr: string;
  watchAllNamespaces: boolean;
  /** watchConfigsLabelSelector selects the Secrets and ConfigMaps whose changes trigger reconciles. */
  watchConfigsLabelSelector: string;
  /**
   * watchLabelSelector (`--watch-label-selector`, sharding) narrows the objects of the kinds a controller
   * reconciles to those it matches, in the form the apiserver receives; empty means all.
   */
  watchLabelSelector: string;
  enableLeaderElection: boolean;
  leaderElectionReleaseOnCancel: boolean;
  kubeconfig: string | undefined;
  logLevel: LogLevel;
  logEncoding: LogEncoding;
  requeueDependencyMs: number;
  intervalJitterPercentage: number;
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
  leaderElectionLeaseDurationMs: number;
  leaderElectionRenewDeadlineMs: number;
  leaderElectionRetryPeriodMs: number;
  /** featureGates holds `--feature-gates=Name=true,Other=false`; each controller checks the names it knows. */
  featureGates: Record<string, boolean>;
  kubeApiQps: number;
  kubeApiBurst: number;
  /** runtimeNamespace comes from `$RUNTIME_NAMESPACE` (the pod's namespace), default `flux-system`. */
  runtimeNamespace: string;
}

/** ControllerFlagDefaults lets each controller keep its own default worker count (SC 2, the others 4). */
export interface ControllerFlagDefaults {
  concurrent?: number;
}

/**
 * registerControllerFlags adds the shared controller flags, with Flux's names and defaults, to a command.
 * Booleans accept Go's `--flag=false` form as well as the bare flag.
 */
export function registerControllerFlags(command: Command, defaults: ControllerFlagDefaults = {}): Command {
  return command
    .addOption(
      new Option('--concurrent <n>', 'The number of concurrent reconciles per controller.')
        .argParser(positiveInt)
        .default(defaults.concurrent ?? 4),
    )
    .addOption(new Option('--events-addr <url>', 'The address of the events receiver.').default(''))
    .addOption(new Option('--metrics-addr <addr>', 'The address the metric endpoint binds to.').default(':8080'))
    .addOption(new Option('--health-addr <addr>', 'The address the health endpoint binds to.').default(':9440'))
    .addOption(
      boolOption(
        '--watch-all-namespaces',
        'Watch for resources in all namespaces, if false only the runtime namespace.',
        true,
      ),
    )
    .addOption(
      new Option(
        '--watch-label-selector <selector>',
        "Watch for resources with matching labels e.g. 'sharding.fluxcd.io/key in (shard1)'.",
      )
        .argParser(watchSelector)
        .default(''),
    )
    .addOption(
      new Option(
        '--watch-configs-label-selector <selector>',
        'Watch for changes to Secrets and ConfigMaps with this label selector.',
      ).default('reconcile.fluxcd.io/watch=Enabled'),
    )
    .addOption(boolOption('--enable-leader-election', 'Enable leader election for the controller manager.', false))
    .addOption(
      new Option('--kubeconfig <path>', 'Path to a kubeconfig; defaults to $KUBECONFIG, ~/.kube/config or in-cluster.'),
    )
    .addOption(
      new Option('--log-level <level>', 'Log verbosity level.')
        .choices(['trace', 'debug', 'info', 'error'])
        .default('info'),
    )
    .addOption(
      new Option('--log-encoding <encoding>', 'Log encoding format.').choices(['json', 'console']).default('json'),
    )
    .addOption(
      boolOption('--leader-election-release-on-cancel', 'Release the leader lease when the manager stops.', true),
    )
    .addOption(
      new Option('--requeue-dependency <duration>', 'The interval at which failing dependencies are reevaluated.')
        .argParser(duration)
        .default(30_000, '30s'),
    )
    .addOption(
      new Option('--interval-jitter-percentage <percent>', 'Percentage of jitter to apply to interval durations.')
        .argParser(jitterPercent)
        .default(defaultIntervalJitterPercentage),
    )
    .addOption(
      new Option('--min-retry-delay <duration>', 'The minimum amount of time an object waits before a retry.')
        .argParser(duration)
        .default(750, '750ms'),
    )
    .addOption(
      new Option('--max-retry-delay <duration>', 'The maximum amount of time an object waits before a retry.')
        .argParser(duration)
        .default(900_000, '15m'),
    )
    .addOption(
      new Option('--leader-election-lease-duration <duration>', 'Duration non-leaders wait before forcing acquisition.')
        .argParser(duration)
        .default(35_000, '35s'),
    )
    .addOption(
      new Option(
        '--leader-election-renew-deadline <duration>',
        'Duration the leader retries renewing before giving up.',
      )
        .argParser(duration)
        .default(30_000, '30s'),
    )
    .addOption(
      new Option('--feature-gates <gates>', 'A comma separated list of key=value pairs defining the state of features.')
        .argParser(featureGates)
        .default({}, ''),
    )
    .addOption(
      new Option('--kube-api-qps <qps>', 'The maximum queries-per-second of requests sent to the Kubernetes API.')
        .argParser(positiveNumber)
        .default(50),
    )
    .addOption(
      new Option('--kube-api-burst <n>', 'The maximum burst queries-per-second of requests sent to the Kubernetes API.')
        .argParser(positiveInt)
        .default(300),
    )
    .addOption(
      new Option('--leader-election-retry-period <duration>', 'Duration between leader election attempts.')
        .argParser(duration)
        .default(5_000, '5s'),
    );
}

/** controllerOptionsFrom turns the parsed values of `registerControllerFlags` into the typed options. */
export function controllerOptionsFrom(
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): ControllerProcessOptions {
  return {
    concurrent: values['concurrent'] as number,
    eventsAddr: values['eventsAddr'] as string,
    metricsAddr: values['metricsAddr'] as string,
    healthAddr: values['healthAddr'] as string,
    watchAllNamespaces: values['watchAllNamespaces'] as boolean,
    watchConfigsLabelSelector: values['watchConfigsLabelSelector'] as string,
    watchLabelSelector: (values['watchLabelSelector'] as string | undefined) ?? '',
    enableLeaderElection: values['enableLeaderElection'] as boolean,
    leaderElectionReleaseOnCancel: values['leaderElectionReleaseOnCancel'] as boolean,
    kubeconfig: values['kubeconfig'] as string | undefined,
    logLevel: values['logLevel'] as LogLevel,
    logEncoding: values['logEncoding'] as LogEncoding,
    requeueDependencyMs: values['requeueDependency'] as number,
    intervalJitterPercentage: values['intervalJitterPercentage'] as number,
    minRetryDelayMs: values['minRetryDelay'] as number,
    maxRetryDelayMs: values['maxRetryDelay'] as number,
    leaderElectionLeaseDurationMs: values['leaderElectionLeaseDuration'] as number,
    leaderElectionRenewDeadlineMs: values['leaderElectionRenewDeadline'] as number,
    leaderElectionRetryPeriodMs: values['leaderElectionRetryPeriod'] as number,
    featureGates: values['featureGates'] as Record<string, boolean>,
    kubeApiQps: values['kubeApiQps'] as number,
    kubeApiBurst: values['kubeApiBurst'] as number,
    runtimeNamespace: env['RUNTIME_NAMESPACE'] || 'flux-system',
  };
}

function boolOption(flags: string, description: string, defaultValue: boolean): Option {
  return new Option(`${flags} [bool]`, description).argParser(parseBool).preset('true').default(defaultValue);
}

function parseBool(value: string): boolean {
  if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(value)) return true;
  if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(value)) return false;
  throw new InvalidArgumentError(`"${value}" is not a boolean.`);
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a positive integer.`);
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`"${value}" is not a positive number.`);
  return n;
}

function featureGates(value: string, previous: Record<string, boolean>): Record<string, boolean> {
  const gates = { ...previous };
  for (const pair of value.split(',')) {
    if (pair.trim() === '') continue;
    const [name, state, ...rest] = pair.split('=');
    if (!name || state === undefined || rest.length > 0) {
      throw new InvalidArgumentError(`"${pair}" is not a Name=true|false pair.`);
    }
    gates[name.trim()] = parseBool(state.trim());
  }
  return gates;
}

function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
}

// Read as Flux reads it (metav1.ParseToLabelSelector, then LabelSelectorAsSelector): a selector the apiserver would
// refuse stops the process at start, instead of an informer that retries a 400 forever.
function watchSelector(value: string): string {
  if (value.trim() === '') return '';
  try {
    return selectorForList(value);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
}

function jitterPercent(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n >= 100) {
    throw new InvalidArgumentError(`"${value}" must be an integer percentage in [0, 100).`);
  }
  return n;
}
