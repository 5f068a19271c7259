// `fluxts ui`: the web UI over the Flux objects of one or more clusters (src/ui/). Runs until Ctrl-C.
import { readFileSync } from 'node:fs';

import { type Command, InvalidArgumentError, Option } from 'commander';

import { loadKubeConfig } from '../../kube/index.ts';
import { errorMessage, FluxtsError } from '../../util/errors.ts';
import { CliInputError } from '../shared/errors.ts';

interface UiFlags {
  kubeconfig?: string;
  context?: string[];
  allContexts?: boolean;
  address: string;
  readOnly?: boolean;
  auth?: 'none' | 'token';
  tlsCert?: string;
  tlsKey?: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** registerUiCommand adds `fluxts ui`. */
export function registerUiCommand(program: Command): void {
  program
    .command('ui')
    .description('Serve the web UI: live status of every Flux object, graphs, diffs and actions')
    .option('--kubeconfig <path>', 'path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'a kubeconfig context to show (repeat for several clusters)', collect)
    .option('--all-contexts', 'show every context of the kubeconfig, one cluster each')
    .option(
      '--address <host:port>',
      'where to listen (beyond loopback, sign-in with a token is required)',
      '127.0.0.1:9080',
    )
    .option('--read-only', 'refuse every action (reconcile, suspend, resume)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (chain); needs --tls-key')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .addOption(
      new Option(
        '--auth <mode>',
        'none: the kubeconfig user acts; token: sign in with a Kubernetes token, actions impersonate it',
      )
        .choices(['none', 'token'])
        .argParser((v) => {
          if (v !== 'none' && v !== 'token') throw new InvalidArgumentError('none or token');
          return v;
        }),
    )
    .addHelpText(
      'after',
      `
Examples:
  # The UI of the current context, on http://127.0.0.1:9080/
  fluxts ui

  # Every context of a kubeconfig, read-only
  fluxts ui --all-contexts --read-only

  # Shared with the team: listen on all interfaces; each person signs in with a Kubernetes token and acts as
  # themselves (actions impersonate them, so RBAC decides)
  fluxts ui --address 0.0.0.0:9080

  # The same over HTTPS with your own certificate
  fluxts ui --address 0.0.0.0:9443 --tls-cert ui.crt --tls-key ui.key`,
    )
    .action(async (flags: UiFlags) => {
      const { startUi } = await import('../../ui/index.ts');
      let kubeConfig;
      try {
        kubeConfig = loadKubeConfig(flags.kubeconfig);
      } catch (err) {
        throw new CliInputError(`kubeconfig ${flags.kubeconfig ?? '(default)'}: ${errorMessage(err)}`, { cause: err });
      }
      if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) {
        throw new CliInputError('--tls-cert and --tls-key go together');
      }
      let tls;
      if (flags.tlsCert && flags.tlsKey) {
        try {
          tls = { cert: readFileSync(flags.tlsCert), key: readFileSync(flags.tlsKey) };
        } catch (err) {
          throw new CliInputError(`TLS certificate or key: ${errorMessage(err)}`, { cause: err });
        }
      }
      let ui;
      try {
        ui = await startUi({
          kubeConfig,
          address: flags.address,
          ...(flags.context ? { contexts: flags.context } : {}),
          ...(flags.allContexts ? { allContexts: true } : {}),
          ...(flags.readOnly ? { readOnly: true } : {}),
          ...(flags.auth ? { auth: flags.auth } : {}),
          ...(tls ? { tls } : {}),
        });
      } catch (err) {
        if (err instanceof FluxtsError)
          throw new CliInputError(err.message, { cause: err, ...(err.hint ? { hint: err.hint } : {}) });
        throw err;
      }
      process.stdout.write(
        `✔ fluxts UI at ${ui.url}${ui.auth === 'token' ? ' (sign in with a Kubernetes token)' : ''}\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await ui.stop();
      process.stdout.write('✔ stopped\n');
    });
}
