// The connection flags flux's commands share (`--kubeconfig`, `--context`, `-n`, `--timeout`) and the client they
// make. Errors reaching the cluster become one line with a hint, as the CLI's conventions ask.
import { type Command, InvalidArgumentError } from 'commander';

import { KubeApiError, KubeClient, KubeConnectionError, loadKubeConfig, RestMappingError } from '../../kube/index.ts';
import { parseDuration } from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { CliClusterError } from './errors.ts';

/** GlobalFlags are the parsed connection flags. */
export interface GlobalFlags {
  kubeconfig: string | undefined;
  context: string | undefined;
  namespace: string;
  timeoutMs: number;
}

/** durationFlag parses a Go duration flag value into milliseconds. */
export function durationFlag(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a duration (use a Go duration such as 30s, 5m or 1h30m)`);
  }
}

/** defaultNamespace is flux's: `$FLUX_SYSTEM_NAMESPACE` when set, else `flux-system`. */
export function defaultNamespace(): string {
  return process.env['FLUX_SYSTEM_NAMESPACE'] || 'flux-system';
}

/** addGlobalFlags declares the connection flags on a command (flux binds them on its root command). */
export function addGlobalFlags(cmd: Command): Command {
  return cmd
    .configureHelp({ showGlobalOptions: true })
    .option('--kubeconfig <path>', 'path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('-n, --namespace <namespace>', 'the namespace scope for this operation (default "flux-system")')
    .option('--timeout <duration>', 'timeout for this operation (default 5m0s)', durationFlag);
}

/** globalFlags reads the connection flags from a command and its parents. */
export function globalFlags(cmd: Command): GlobalFlags {
  const o = cmd.optsWithGlobals<Record<string, unknown>>();
  return {
    kubeconfig: typeof o['kubeconfig'] === 'string' ? o['kubeconfig'] : undefined,
    context: typeof o['context'] === 'string' ? o['context'] : undefined,
    namespace: typeof o['namespace'] === 'string' ? o['namespace'] : defaultNamespace(),
    timeoutMs: typeof o['timeout'] === 'number' ? o['timeout'] : 5 * 60_000,
  };
}

/** connect makes a client for the flags' kubeconfig and context; it does not contact the server yet. */
export function connect(flags: GlobalFlags): KubeClient {
  let kc;
  try {
    kc = loadKubeConfig(flags.kubeconfig);
  } catch (err) {
    throw new CliClusterError(`kubeconfig ${flags.kubeconfig ?? '(default)'}: ${errorMessage(err)}`, {
      cause: err,
      hint: 'pass --kubeconfig with a readable kubeconfig file, or set KUBECONFIG',
    });
  }
  if (flags.context) {
    if (!kc.getContextObject(flags.context)) {
      throw new CliClusterError(`context "${flags.context}" not found in the kubeconfig`, {
        hint: `use one of: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || '(none)'
        }`,
      });
    }
    kc.setCurrentContext(flags.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new CliClusterError('kubeconfig: no current cluster', {
      hint: 'pass --kubeconfig or --context pointing at a cluster',
    });
  }
  // No API call may outlive --timeout (a hung API server must not hang the command); waits keep their own deadline
  // and message (pollUntil), so a request in flight when --timeout passes is aborted at the latest one timeout later.
  return new KubeClient(kc, { requestTimeoutMs: flags.timeoutMs });
}

/** isDeadline tells an abort by the command's deadline (a TimeoutError, possibly as an AbortError's cause). */
export function isDeadline(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.name === 'TimeoutError') return true;
  }
  return false;
}

/** explainClusterError turns connection failures into one line with a hint; other errors pass through. */
export function explainClusterError(err: unknown): unknown {
  if (isDeadline(err)) {
    return new CliClusterError('context deadline exceeded', {
      cause: err,
      hint: 'the Kubernetes API server did not answer within --timeout; check it, or raise --timeout',
    });
  }
  if (err instanceof KubeConnectionError) {
    return new CliClusterError(`cannot reach the Kubernetes API server: ${errorMessage(err)}`, {
      cause: err,
      hint: 'check that the cluster is running and that --kubeconfig/--context point at it',
    });
  }
  if (err instanceof RestMappingError) {
    return new CliClusterError(err.message, {
      cause: err,
      hint: 'the cluster does not serve this kind; install the Flux CRDs with: fluxts install',
    });
  }
  if (err instanceof KubeApiError && (err.statusCode === 401 || err.statusCode === 403)) {
    return new CliClusterError(err.message, { cause: err, hint: 'check the credentials of the kubeconfig context' });
  }
  return err;
}

/** clusterAction wraps a command action so cluster errors surface as one explained line. */
export function clusterAction<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      throw explainClusterError(err);
    }
  };
}
