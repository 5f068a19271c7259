import { type Command, InvalidArgumentError } from 'commander';

import {
  defaultStateDir,
  devClusterStatus,
  startDevCluster,
  stateDirForKubeconfig,
  stopDevCluster,
} from '../../devcluster/cluster.ts';
import { stderrProgress } from '../../devcluster/go-build.ts';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`"${value}" is not a port number (1-65535)`);
  }
  return port;
}

/** registerClusterCommand adds `fluxts cluster start|status|stop`: the local control plane for development. */
export function registerClusterCommand(program: Command): void {
  const cluster = program
    .command('cluster')
    .description('Run a local Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager) for development')
    .addHelpText(
      'after',
      `
Examples:
  # Start a local control plane with the Flux CRDs and write ./.fluxts/kubeconfig
  fluxts cluster start

  # Use it
  kubectl --kubeconfig .fluxts/kubeconfig get crds

  # Check on it, then stop it
  fluxts cluster status
  fluxts cluster stop`,
    );

  cluster
    .command('start')
    .description('Build (first time only) and start the control plane in the background, then return')
    .option('--kubeconfig <path>', 'where to write the kubeconfig', undefined)
    .option('--state-dir <dir>', 'directory for state, logs and data', defaultStateDir())
    .option('--port <port>', 'preferred apiserver port (another free port is used when it is taken)', parsePort)
    .option('--no-crds', 'do not install the Flux CRDs')
    .option(
      '--run-pods',
      'run pods whose image is in the local OCI layout (`npm run image`) under runc, as root; other pods stay simulated',
    )
    .action(
      async (opts: { kubeconfig?: string; stateDir: string; crds: boolean; port?: number; runPods?: boolean }) => {
        const started = Date.now();
        const state = await startDevCluster({
          stateDir: opts.stateDir,
          ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
          crds: opts.crds,
          ...(opts.port ? { port: opts.port } : {}),
          ...(opts.runPods ? { runPods: true } : {}),
          progress: stderrProgress,
        });
        process.stdout.write(
          `✔ control plane ready at ${state.server} in ${((Date.now() - started) / 1000).toFixed(1)}s\n` +
            `  kubeconfig: ${state.kubeconfig}\n  export KUBECONFIG=${state.kubeconfig}\n`,
        );
        if (state.crds) {
          process.stdout.write(`\nFlux CRDs installed (${state.crds.length}):\n`);
          const width = Math.max(...state.crds.map((c) => c.name.length));
          for (const crd of state.crds) {
            process.stdout.write(
              `  ${crd.established ? '✔' : '✗'} ${crd.name.padEnd(width)}  ${crd.kind.padEnd(22)} ${crd.versions.join(',')}\n`,
            );
          }
        }
      },
    );

  cluster
    .command('status')
    .description('Show the processes of the local control plane')
    .option('--state-dir <dir>', 'directory for state, logs and data', defaultStateDir())
    .option('--kubeconfig <path>', 'the kubeconfig `cluster start` wrote (finds its state directory)')
    .action(async (opts: { stateDir: string; kubeconfig?: string }) => {
      const status = await devClusterStatus(await chosenStateDir(opts));
      if (!status) {
        process.stdout.write('no dev cluster recorded here; start one with `fluxts cluster start`\n');
        process.exitCode = 1;
        return;
      }
      process.stdout.write(
        `server:     ${status.state.server}\nkubeconfig: ${status.state.kubeconfig}\nstarted:    ${status.state.startedAt}\n`,
      );
      for (const p of status.processes) {
        process.stdout.write(
          `  ${p.alive ? '✔' : '✗'} ${p.name.padEnd(24)} pid ${p.pid}${p.alive ? '' : ' (exited)'}\n`,
        );
        if (p.logTail) process.stdout.write(p.logTail.replace(/^/gm, '      ') + '\n');
      }
      if (status.processes.some((p) => !p.alive)) process.exitCode = 1;
    });

  cluster
    .command('stop')
    .description('Stop every process of the local control plane and delete its data')
    .option('--state-dir <dir>', 'directory for state, logs and data', defaultStateDir())
    .option('--kubeconfig <path>', 'the kubeconfig `cluster start` wrote (finds its state directory)')
    .action(async (opts: { stateDir: string; kubeconfig?: string }) => {
      const state = await stopDevCluster(await chosenStateDir(opts));
      process.stdout.write(
        state ? `✔ stopped the control plane at ${state.server}\n` : 'no dev cluster recorded here\n',
      );
    });
}

// --kubeconfig names the cluster by the kubeconfig `cluster start --kubeconfig` wrote; --state-dir otherwise.
async function chosenStateDir(opts: { stateDir: string; kubeconfig?: string }): Promise<string> {
  return opts.kubeconfig ? stateDirForKubeconfig(opts.kubeconfig) : opts.stateDir;
}
