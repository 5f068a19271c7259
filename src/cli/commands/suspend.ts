import type { Command } from 'commander';

import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { addGlobalFlags, clusterAction, connect, type GlobalFlags, globalFlags } from '../shared/connect.ts';
import { CliWaitError } from '../shared/errors.ts';
import { addKindCommands } from '../shared/kind-commands.ts';
import type { CliKind } from '../shared/kinds.ts';
import { getObject, readyState, requireName, revisionMessage } from '../shared/objects.ts';
import { Logger, type Output, processOutput } from '../shared/terminal.ts';
import { pollUntil } from '../shared/wait.ts';
import { requestToken } from './reconcile.ts';

type Verb = 'suspend' | 'resume';

async function targets(client: KubeClient, kind: CliKind, g: GlobalFlags, name: string | undefined, all: boolean) {
  if (!all) return [await getObject(client, kind, g.namespace, name ?? '')];
  return (await client.listAll<KubeObject>(kind, { namespace: g.namespace })).items;
}

/** waitReady waits for a resumed object to be reconciled at its current generation and Ready. */
async function waitReady(client: KubeClient, kind: CliKind, g: GlobalFlags, name: string, token: string, log: Logger) {
  const what = `${kind.kind} '${g.namespace}/${name}' reconciliation`;
  const result = await pollUntil(what, g.timeoutMs, async () => {
    const obj = await getObject(client, kind, g.namespace, name);
    const handled = (obj.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt;
    // Static kinds (Alert, Provider) have no status to wait for.
    if (!kind.reconcilable) return { obj, state: { done: true as const, ready: true, message: '' } };
    if (handled !== token) return undefined;
    const state = readyState(obj);
    return state.done ? { obj, state } : undefined;
  });
  if (!result.state.ready) throw new CliWaitError(`${what} failed: ${result.state.message}`);
  log.success(`${kind.kind} reconciliation completed`);
  const rev = revisionMessage(kind, result.obj);
  if (rev) log.success(rev);
}

async function run(verb: Verb, c: Command, kind: CliKind, name: string | undefined, o: Output): Promise<void> {
  const opts = c.opts<{ all?: boolean; wait?: boolean }>();
  const all = opts.all === true;
  requireName(name, all, kind);
  const g = globalFlags(c);
  const client = connect(g);
  const log = new Logger(o);
  const objects = await targets(client, kind, g, name, all);
  if (objects.length === 0) {
    log.failure(`no ${kind.kind} objects found in ${g.namespace} namespace`);
    return;
  }
  const resumed: { name: string; token: string }[] = [];
  for (const obj of objects) {
    const objName = obj.metadata.name ?? '';
    log.action(`${verb === 'suspend' ? 'suspending' : 'resuming'} ${kind.kind} ${objName} in ${g.namespace} namespace`);
    const token = requestToken();
    // Resume also requests a reconcile so the controller acts at once, as flux does.
    const patch =
      verb === 'suspend'
        ? { spec: { suspend: true } }
        : { spec: { suspend: false }, metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } };
    await client.patch(kind, { namespace: g.namespace, name: objName }, 'merge', patch);
    log.success(`${kind.kind} ${verb === 'suspend' ? 'suspended' : 'resumed'}`);
    resumed.push({ name: objName, token });
  }
  if (verb === 'resume' && opts.wait !== false) {
    for (const r of resumed) {
      log.waiting(`waiting for ${kind.kind} reconciliation`);
      await log.spin(`waiting for ${kind.kind} ${r.name}`, waitReady(client, kind, g, r.name, r.token, log));
    }
  }
}

function register(program: Command, verb: Verb, o: Output): Command {
  const top = addGlobalFlags(program.command(verb))
    .description(verb === 'suspend' ? 'Suspend the reconciliation of resources' : 'Resume suspended resources')
    .addHelpText(
      'after',
      `
Examples:
  # ${verb === 'suspend' ? 'Suspend' : 'Resume'} one Kustomization
  fluxts ${verb} kustomization podinfo

  # ${verb === 'suspend' ? 'Suspend' : 'Resume'} every GitRepository in a namespace
  fluxts ${verb} source git --all -n apps`,
    );
  addKindCommands(top, {}, (cmd, kind) => {
    cmd
      .description(`${verb === 'suspend' ? 'Suspend reconciliation of' : 'Resume'} a ${kind.kind}`)
      .argument('[name]', `the ${kind.kind} name`)
      .option('--all', `${verb} every ${kind.kind} in the namespace`)
      .addHelpText(
        'after',
        `\nExamples:\n  fluxts ${verb} ${kind.group ? `${kind.group} ` : ''}${kind.word} podinfo\n`,
      );
    if (verb === 'resume') cmd.option('--no-wait', 'do not wait for the resumed object(s) to become Ready');
    cmd.action(clusterAction((name: string | undefined, _o: unknown, c: Command) => run(verb, c, kind, name, o)));
  });
  return top;
}

/** registerSuspendCommand adds `fluxts suspend <kind> NAME|--all`: sets spec.suspend. */
export function registerSuspendCommand(program: Command, o: Output = processOutput()): Command {
  return register(program, 'suspend', o);
}

/** registerResumeCommand adds `fluxts resume <kind> NAME|--all`: clears spec.suspend and waits for Ready. */
export function registerResumeCommand(program: Command, o: Output = processOutput()): Command {
  return register(program, 'resume', o);
}
