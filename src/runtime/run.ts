import { createHash } from 'node:crypto';

import { KubeClient, type KubeConfig, loadKubeConfig } from '../kube/client/index.ts';
import { FluxtsError, errorMessage } from '../util/errors.ts';
import { EventPoster } from './event-poster.ts';
import type { RunningServer } from './http-server.ts';
import { LeaderElector } from './leader-election.ts';
import { consoleDestination, createLogger, type Logger } from './logger.ts';
import { Manager } from './manager.ts';
import { MetricsRecorder } from './metrics.ts';
import type { ControllerProcessOptions } from './options.ts';
import { serveMetrics, serveProbes } from './probes.ts';

/** ControllerSetup is one Flux controller (e.g. `source-controller`): it registers its kinds on its Manager. */
export interface ControllerSetup {
  name: string;
  setup(manager: Manager): void | Promise<void>;
}

/**
 * CONTROLLER_CALL_TIMEOUT_MS bounds every Kubernetes API call of a controller (a watch until its stream starts):
 * the apiserver's own limit for a request (`--request-timeout`, 1 m), so an apiserver that accepts a connection and
 * never answers fails the call instead of holding a worker or an informer forever.
 */
export const CONTROLLER_CALL_TIMEOUT_MS = 60_000;

/** LeaderElectionLostError means another replica took over: the process must stop reconciling and exit. */
export class LeaderElectionLostError extends FluxtsError {}

/** StartOverrides let tests and `fluxts dev` pass a ready KubeConfig or logger instead of flags. */
export interface StartOverrides {
  kubeConfig?: KubeConfig;
  logger?: Logger;
  /** leaseIdentity fixes the leader-election identity (default `<hostname>_<uuid>`). */
  leaseIdentity?: string;
}

/** RunningManager is a started process: bound ports, managers, and `stop`; `done` settles after shutdown. */
export interface RunningManager {
  readonly metricsPort: number;
  readonly healthPort: number;
  readonly managers: Manager[];
  readonly metrics: MetricsRecorder;
  /** leading reports, per controller name, whether this process holds its lease (always true without election). */
  leading(name: string): boolean;
  stop(): Promise<void>;
  readonly done: Promise<void>;
}

/**
 * startManager starts probes and metrics, then for each controller: waits for its Lease `<name>-leader-election`
 * when `--enable-leader-election` is set, runs its setup, starts its informers and workers. Losing a lease stops
 * everything and rejects `done` with LeaderElectionLostError.
 */
export async function startManager(
  options: ControllerProcessOptions,
  controllers: ControllerSetup[],
  overrides: StartOverrides = {},
): Promise<RunningManager> {
  const logger =
    overrides.logger ??
    createLogger(options.logLevel, options.logEncoding === 'console' ? consoleDestination() : undefined);
  const kubeConfig = overrides.kubeConfig ?? loadKubeConfig(options.kubeconfig);
  // One client, so one `--kube-api-qps`/`--kube-api-burst` budget, per controller and one more for its events:
  // Flux runs each controller as its own process and client-go's event broadcaster has its own client, so this
  // keeps every controller's budget what it would be under Flux when `fluxts controller all` runs them together.
  const newClient = (): KubeClient =>
    new KubeClient(kubeConfig, {
      qps: options.kubeApiQps,
      burst: options.kubeApiBurst,
      callTimeoutMs: CONTROLLER_CALL_TIMEOUT_MS,
    });
  const metrics = new MetricsRecorder({ processMetrics: true });
  const poster = options.eventsAddr ? new EventPoster({ url: options.eventsAddr, logger }) : undefined;
  const abort = new AbortController();
  const managers: Manager[] = [];
  const electors = new Map<string, LeaderElector>();
  const starting = new Map<string, Promise<void>>();
  let failure: Error | undefined;
  let resolveDone!: () => void;
  let rejectDone!: (err: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  done.catch(() => {});

  const servers: RunningServer[] = [];
  const metricsServer = await serveMetrics(options.metricsAddr, metrics);
  servers.push(metricsServer);
  let healthServer: RunningServer;
  try {
    healthServer = await serveProbes(options.healthAddr, {
      healthz: [() => (failure ? errorMessage(failure) : undefined)],
      readyz: [
        () => {
          const unsynced = managers.filter((m) => !m.hasSynced).map((m) => m.name);
          return unsynced.length > 0 ? `caches not synced: ${unsynced.join(', ')}` : undefined;
        },
      ],
    });
  } catch (err) {
    await metricsServer.close();
    throw err;
  }
  servers.push(healthServer);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      abort.abort();
      // Stopping the managers first also ends any start() still waiting for a cache that cannot sync.
      await Promise.all(managers.map((m) => m.stop()));
      await Promise.allSettled(starting.values());
      await Promise.all([...electors.values()].map((e) => e.release(options.leaderElectionReleaseOnCancel)));
      await poster?.flush();
      await Promise.all(servers.map((s) => s.close()));
      logger.info('Stopped');
      if (failure) rejectDone(failure);
      else resolveDone();
    })());

  for (const setup of controllers) {
    const run = async () => {
      if (options.enableLeaderElection) {
        const elector = new LeaderElector({
          client: newClient(),
          namespace: options.runtimeNamespace,
          name: leaseName(setup.name, options.watchLabelSelector),
          leaseDurationMs: options.leaderElectionLeaseDurationMs,
          renewDeadlineMs: options.leaderElectionRenewDeadlineMs,
          retryPeriodMs: options.leaderElectionRetryPeriodMs,
          logger,
          onLost: () => {
            failure = new LeaderElectionLostError(`${setup.name}: leader election lost`);
            void stop();
          },
          ...(overrides.leaseIdentity ? { identity: overrides.leaseIdentity } : {}),
        });
        electors.set(setup.name, elector);
        if (!(await elector.acquire(abort.signal))) return;
      }
      const manager = new Manager(setup.name, {
        client: newClient(),
        eventsClient: newClient(),
        logger,
        metrics,
        options,
        ...(poster ? { poster } : {}),
      });
      await setup.setup(manager);
      if (abort.signal.aborted) return;
      managers.push(manager);
      await manager.start();
    };
    const started = run().catch((err: unknown) => {
      failure = err instanceof Error ? err : new Error(String(err));
      logger.error({ controller: setup.name, error: errorMessage(err) }, 'controller failed to start');
      void stop();
    });
    starting.set(setup.name, started);
  }

  return {
    metricsPort: metricsServer.port,
    healthPort: healthServer.port,
    managers,
    metrics,
    leading: (name) => (options.enableLeaderElection ? (electors.get(name)?.isLeader ?? false) : true),
    stop,
    done,
  };
}

/**
 * leaseName is `<controller>-leader-election`, and for a shard (`--watch-label-selector`) that name with a digest of
 * the selector appended, as Flux derives one, so that the replicas of each shard elect their own leader instead of
 * one shard's leader blocking every other shard. (The digest is fluxts's own: fluxts and Flux replicas of one
 * controller do not share a lease either way.)
 */
export function leaseName(controller: string, watchLabelSelector: string): string {
  const base = `${controller}-leader-election`;
  if (!watchLabelSelector) return base;
  return `${base}-${createHash('sha256').update(watchLabelSelector).digest('hex').slice(0, 8)}`;
}

/**
 * runManager is the process entry point of `fluxts controller …`: starts everything, then stops cleanly on
 * SIGINT or SIGTERM. Rejects when a controller fails to start or leadership is lost.
 */
export async function runManager(options: ControllerProcessOptions, controllers: ControllerSetup[]): Promise<void> {
  const running = await startManager(options, controllers);
  const onSignal = () => void running.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await running.done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
