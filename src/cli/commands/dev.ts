import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

import { Command, type Command as CommandType } from 'commander';

import { startDevCluster, stopDevCluster } from '../../devcluster/cluster.ts';
import { openDevRepo, type DevRepo } from '../../devcluster/dev-repo.ts';
import { stderrProgress } from '../../devcluster/go-build.ts';
import { isAlreadyExists, KubeClient, KubeConfig, type KubeObject } from '../../kube/index.ts';
import { registerControllerOptions, runnableControllers, startControllers } from '../../controllers/index.ts';
import { controllerOptionsFrom, createLogger, registerControllerFlags, startManager } from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { changeEventMessages, formatApplySummary, summarizeApply } from '../shared/apply-summary.ts';
import { announceLocalControllers } from '../shared/local-controllers.ts';

const NAMESPACE = 'flux-system';
const NAME = 'dev-app';
const EXAMPLE = fileURLToPath(new URL('../../../examples/dev-app', import.meta.url));
const gitRepositoryType = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };
const kustomizationType = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

type Watched = KubeObject<unknown, WatchedStatus>;

interface WatchedStatus {
  conditions?: Condition[];
  artifact?: { revision: string };
  lastAppliedRevision?: string;
  inventory?: { entries?: { id: string; v: string }[] };
}

interface DevOptions {
  kubeconfig?: string;
  stateDir: string;
  example: string;
  ui: boolean;
  uiAddress: string;
}

/** registerDevCommand adds `fluxts dev`: the local GitOps loop in one command. */
export function registerDevCommand(program: CommandType): void {
  program
    .command('dev')
    .description('Run the whole GitOps loop locally: control plane, controllers, a Git repository, live progress')
    .option('--kubeconfig <path>', 'use this cluster instead of starting a local control plane')
    .option('--state-dir <dir>', 'where the local repository, artifacts and control plane live', '.fluxts/dev')
    .option('--example <dir>', 'the app to put in the local repository on first run', EXAMPLE)
    .option('--ui-address <host:port>', 'where the web UI listens', '127.0.0.1:9080')
    .option('--no-ui', 'do not start the web UI')
    .addHelpText(
      'after',
      `
Examples:
  # Start everything, then edit and commit in .fluxts/dev/git/dev-app: the change reaches the cluster in seconds
  fluxts dev

  # Use an existing cluster (the Flux CRDs must be installed)
  fluxts dev --kubeconfig ~/.kube/config`,
    )
    .action(async (opts: DevOptions) => runDev(opts));
}

async function runDev(opts: DevOptions): Promise<void> {
  const stateDir = resolve(opts.stateDir);
  await mkdir(stateDir, { recursive: true });
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
  };
  const stopped = new Promise<void>((resolveStop) => {
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
  });
  try {
    let kubeconfigPath = opts.kubeconfig;
    if (!kubeconfigPath) {
      step('starting the local control plane');
      const clusterDir = join(stateDir, 'cluster');
      await stopDevCluster(clusterDir); // a previous run's leftovers, if it was killed
      const state = await startDevCluster({ stateDir: clusterDir, ownerPid: process.pid, progress: stderrProgress });
      cleanups.push(() => stopDevCluster(clusterDir).then(() => undefined));
      kubeconfigPath = state.kubeconfig;
      done(`control plane ready at ${state.server} (kubeconfig ${state.kubeconfig})`);
    }
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath);
    const client = new KubeClient(kubeConfig);

    const repo = await openDevRepo(join(stateDir, 'git'), NAME, resolve(opts.example));
    cleanups.push(() => repo.close());
    done(`local Git repository ${repo.dir} served at ${repo.url}`);

    // Every controller fluxts implements, in one process, each with the flags its descriptor asks for in dev.
    const controllers = runnableControllers();
    step(`starting ${controllers.map((c) => c.name).join(', ')}`);
    const flags = registerControllerFlags(registerControllerOptions(new Command(), controllers)).parse(
      [
        ...controllers.flatMap((c) => c.devArgs?.(stateDir) ?? []),
        '--metrics-addr=127.0.0.1:0',
        '--health-addr=127.0.0.1:0',
        '--max-retry-delay=10s',
        '--log-level=error',
      ],
      { from: 'user' },
    );
    const services = await startControllers(controllers, flags.opts());
    cleanups.push(() => services.close());
    const running = await startManager(controllerOptionsFrom(flags.opts()), services.setups, {
      kubeConfig,
      logger: createLogger('error'),
    });
    cleanups.push(() => running.stop());

    if (opts.ui) {
      const { startUi } = await import('../../ui/index.ts');
      // The default port may be taken (a second `fluxts dev`, a `fluxts ui`): then any free port will do.
      const ui = await startUi({ kubeConfig, address: opts.uiAddress }).catch((err: unknown) => {
        const taken = (err as { code?: string }).code === 'EADDRINUSE' && opts.uiAddress === '127.0.0.1:9080';
        if (!taken) throw err;
        return startUi({ kubeConfig, address: '127.0.0.1:0' });
      });
      cleanups.push(() => ui.stop());
      done(`web UI at ${ui.url}`);
    }

    const applyStarted = new Date();
    await applyObjects(client, repo);
    // So that `fluxts check` sees these controllers as running, not as missing Deployments.
    try {
      const presence = await announceLocalControllers(
        client,
        NAMESPACE,
        controllers.map((c) => c.name),
      );
      cleanups.push(() => presence.stop());
    } catch (err) {
      step(`fluxts check will not see these controllers (Lease ${NAMESPACE}/fluxts-dev: ${errorMessage(err)})`);
    }
    done(`created GitRepository/${NAMESPACE}/${NAME} and Kustomization/${NAMESPACE}/${NAME}`);
    const first = await waitReady(client, repo.head(), stopped);
    if (first) await printApply(client, first, applyStarted);
    process.stdout.write(
      `\nWatching ${repo.dir}: commit there and the change reaches the cluster. Ctrl-C stops everything.\n`,
    );
    await followCommits(client, repo, stopped);
  } finally {
    process.stdout.write('\n');
    step('stopping');
    await cleanup();
    done('stopped');
  }
}

async function applyObjects(client: KubeClient, repo: DevRepo): Promise<void> {
  try {
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  const meta = { name: NAME, namespace: NAMESPACE };
  await client.apply(
    { ...gitRepositoryType, metadata: meta, spec: { url: repo.url, interval: '1m', ref: { branch: repo.branch } } },
    { fieldManager: 'fluxts', force: true },
  );
  await client.apply(
    {
      ...kustomizationType,
      metadata: meta,
      spec: {
        interval: '10m',
        path: './',
        prune: true,
        wait: true,
        timeout: '2m',
        sourceRef: { kind: 'GitRepository', name: NAME },
      },
    },
    { fieldManager: 'fluxts', force: true },
  );
}

/** waitReady shows progress until the Kustomization applied the given commit, and returns it. */
async function waitReady(client: KubeClient, commit: string, stopped: Promise<void>): Promise<Watched | undefined> {
  let last = '';
  let interrupted = false;
  void stopped.then(() => (interrupted = true));
  while (!interrupted) {
    const [source, ks] = await Promise.all([
      client.get<Watched>(gitRepositoryType, {
        namespace: NAMESPACE,
        name: NAME,
      }),
      client.get<Watched>(kustomizationType, {
        namespace: NAMESPACE,
        name: NAME,
      }),
    ]);
    const line = `GitRepository ${describe(source)} | Kustomization ${describe(ks)}`;
    if (line !== last) {
      step(line);
      last = line;
    }
    const ready = ks.status?.conditions?.find((c) => c.type === 'Ready');
    if (ks.status?.lastAppliedRevision?.endsWith(commit) && ready?.status === 'True') {
      done(`applied revision ${ks.status.lastAppliedRevision}`);
      return ks;
    }
    await Promise.race([sleep(500), stopped]);
  }
  return undefined;
}

async function followCommits(client: KubeClient, repo: DevRepo, stopped: Promise<void>): Promise<void> {
  let seen = repo.head();
  let interrupted = false;
  void stopped.then(() => (interrupted = true));
  while (!interrupted) {
    await Promise.race([sleep(1000), stopped]);
    if (interrupted) return;
    let head: string;
    try {
      head = repo.head();
    } catch (err) {
      step(`cannot read ${repo.dir}: ${errorMessage(err)}`);
      continue;
    }
    if (head === seen) continue;
    seen = head;
    step(`new commit ${head.slice(0, 12)}: asking GitRepository/${NAMESPACE}/${NAME} to fetch it`);
    const requested = new Date();
    await client.patch(gitRepositoryType, { namespace: NAMESPACE, name: NAME }, 'merge', {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() } },
    });
    const ks = await waitReady(client, head, stopped);
    if (ks) await printApply(client, ks, requested);
  }
}

function describe(obj: Watched): string {
  const ready = obj.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready) return 'waiting';
  const mark = ready.status === 'True' ? '✔' : ready.status === 'False' ? '✗' : '◎';
  return `${mark} ${ready.message ?? ready.reason ?? ''}`.slice(0, 160);
}

/**
 * printApply lists what the apply that made `ks` Ready changed (from the controller's change-set events since
 * `since`) and how many objects it left unchanged, not the whole inventory.
 */
async function printApply(client: KubeClient, ks: Watched, since: Date): Promise<void> {
  const ids = (ks.status?.inventory?.entries ?? []).map((e) => e.id);
  let messages: string[] = [];
  try {
    messages = await changeEventMessages(client, { namespace: NAMESPACE, name: NAME }, since);
  } catch (err) {
    step(`cannot read the change set from the Kustomization's events: ${errorMessage(err)}`);
  }
  for (const line of formatApplySummary(summarizeApply(ids, messages))) process.stdout.write(`  ${line}\n`);
}

function step(message: string): void {
  process.stdout.write(`► ${message}\n`);
}

function done(message: string): void {
  process.stdout.write(`✔ ${message}\n`);
}
