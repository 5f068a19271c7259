import type { Command } from 'commander';

import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { addGlobalFlags, clusterAction, connect, type GlobalFlags, globalFlags } from '../shared/connect.ts';
import { CliInputError, CliWaitError } from '../shared/errors.ts';
import { addKindCommands } from '../shared/kind-commands.ts';
import { type CliKind, cliKindOf } from '../shared/kinds.ts';
import { getObject, readyState, revisionMessage } from '../shared/objects.ts';
import { pollUntil } from '../shared/wait.ts';
import { Logger, type Output, processOutput } from '../shared/terminal.ts';

const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

/** requestToken is flux's token: the current time in Go's RFC3339Nano (trailing zeros of the fraction dropped). */
export function requestToken(now = new Date()): string {
  return now.toISOString().replace(/\.?0+Z$/, 'Z');
}

/**
 * reconcileObject annotates an object with a new requestedAt token, waits until the controller handled it and
 * the object is Ready, printing flux's progress lines. It fails when the object is suspended or not Ready.
 */
export async function reconcileObject(
  client: KubeClient,
  kind: CliKind,
  namespace: string,
  name: string,
  g: GlobalFlags,
  log: Logger,
  helm: { force?: boolean; reset?: boolean } = {},
): Promise<KubeObject> {
  const obj = await getObject(client, kind, namespace, name);
  if ((obj.spec as { suspend?: boolean } | undefined)?.suspend === true) {
    throw new CliInputError(`${kind.kind} '${namespace}/${name}' is suspended`, {
      hint: `resume it first: fluxts resume ${kind.group ? `${kind.group} ` : ''}${kind.word} ${name} -n ${namespace}`,
    });
  }
  log.action(`annotating ${kind.kind} ${name} in ${namespace} namespace`);
  const token = requestToken();
  // forceAt/resetAt are honoured only when they carry the same token as requestedAt.
  const annotations: Record<string, string> = { [REQUESTED_AT]: token };
  if (helm.force) annotations['reconcile.fluxcd.io/forceAt'] = token;
  if (helm.reset) annotations['reconcile.fluxcd.io/resetAt'] = token;
  await client.patch(kind, { namespace, name }, 'merge', { metadata: { annotations } });
  log.success(`${kind.kind} annotated`);
  log.waiting(`waiting for ${kind.kind} reconciliation`);
  const what = `${kind.kind} '${namespace}/${name}' reconciliation`;
  const result = await log.spin(
    `waiting for ${kind.kind} reconciliation`,
    pollUntil(what, g.timeoutMs, async () => {
      const current = await getObject(client, kind, namespace, name);
      const handled = (current.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt;
      if (handled !== token) return undefined;
      const state = readyState(current);
      return state.done ? { current, state } : undefined;
    }),
  );
  if (!result.state.ready) throw new CliWaitError(`${what} failed: ${result.state.message}`);
  log.success(`${kind.kind} reconciliation completed`);
  const rev = revisionMessage(kind, result.current);
  if (rev) log.success(rev);
  return result.current;
}

/** sourceOf finds the source a Kustomization or HelmRelease reads, for `--with-source`. */
export function sourceOf(obj: KubeObject): { kind: CliKind; namespace: string; name: string } | undefined {
  const spec = (obj.spec ?? {}) as {
    sourceRef?: { kind?: string; name?: string; namespace?: string };
    chartRef?: { kind?: string; name?: string; namespace?: string };
    chart?: { spec?: { sourceRef?: { kind?: string; name?: string; namespace?: string } } };
  };
  const ref = spec.sourceRef ?? spec.chartRef ?? spec.chart?.spec?.sourceRef;
  const kind = ref?.kind ? cliKindOf(ref.kind) : undefined;
  if (!ref?.name || !kind) return undefined;
  return { kind, namespace: ref.namespace ?? obj.metadata.namespace ?? '', name: ref.name };
}

/** registerReconcileCommand adds `fluxts reconcile <kind> NAME [--with-source]`. */
export function registerReconcileCommand(program: Command, o: Output = processOutput()): Command {
  const reconcile = addGlobalFlags(program.command('reconcile'))
    .description('Reconcile Flux resources: trigger a reconciliation and wait for it to finish')
    .addHelpText(
      'after',
      `
Examples:
  # Fetch the latest commit of a Git source now
  fluxts reconcile source git flux-system

  # Reconcile a Kustomization after fetching its source
  fluxts reconcile kustomization podinfo --with-source`,
    );
  addKindCommands(reconcile, { filter: (k) => k.reconcilable }, (cmd, kind) => {
    cmd
      .description(`Reconcile a ${kind.kind}`)
      .argument('<name>', `the ${kind.kind} name`)
      .addHelpText(
        'after',
        `\nExamples:\n  fluxts reconcile ${kind.group ? `${kind.group} ` : ''}${kind.word} podinfo\n`,
      );
    const withSource = kind.kind === 'Kustomization' || kind.kind === 'HelmRelease';
    if (withSource) cmd.option('--with-source', 'reconcile the source first');
    if (kind.kind === 'HelmRelease') {
      cmd.option('--force', 'force a one-off install or upgrade of the release');
      cmd.option('--reset', 'reset the install and upgrade failure counters');
    }
    cmd.action(
      clusterAction(
        async (name: string, opts: { withSource?: boolean; force?: boolean; reset?: boolean }, c: Command) => {
          const g = globalFlags(c);
          const client = connect(g);
          const log = new Logger(o);
          if (opts.withSource) {
            const obj = await getObject(client, kind, g.namespace, name);
            const src = sourceOf(obj);
            if (!src) throw new CliInputError(`${kind.kind} '${g.namespace}/${name}' has no source to reconcile`);
            await reconcileObject(client, src.kind, src.namespace, src.name, g, log);
          }
          await reconcileObject(client, kind, g.namespace, name, g, log, {
            ...(opts.force ? { force: true } : {}),
            ...(opts.reset ? { reset: true } : {}),
          });
        },
      ),
    );
  });
  return reconcile;
}
