// The controller options the runtime's integration tests start managers with: Flux's defaults, short retry
// delays, ports chosen by the kernel, and only the test's namespace watched (so tests can't see each other).
import type { ControllerProcessOptions } from '../../src/runtime/options.ts';

/** testOptions returns the options for a manager watching runtimeNamespace only, with overrides applied. */
export function testOptions(
  runtimeNamespace: string,
  overrides: Partial<ControllerProcessOptions> = {},
): ControllerProcessOptions {
  return {
    concurrent: 2,
    eventsAddr: '',
    metricsAddr: '127.0.0.1:0',
    healthAddr: '127.0.0.1:0',
    watchAllNamespaces: false,
    watchConfigsLabelSelector: 'reconcile.fluxcd.io/watch=Enabled',
    watchLabelSelector: '',
    enableLeaderElection: false,
    kubeconfig: undefined,
    logLevel: 'error',
    logEncoding: 'json',
    leaderElectionReleaseOnCancel: true,
    requeueDependencyMs: 30_000,
    intervalJitterPercentage: 5,
    minRetryDelayMs: 50,
    maxRetryDelayMs: 1000,
    leaderElectionLeaseDurationMs: 35_000,
    leaderElectionRenewDeadlineMs: 30_000,
    leaderElectionRetryPeriodMs: 5_000,
    featureGates: {},
    kubeApiQps: 50,
    kubeApiBurst: 300,
    runtimeNamespace,
    ...overrides,
  };
}
