import type { Command } from 'commander';

import { parseTemplateArgs, templateFlagsHelp, type TemplateFlags } from './helm-flags.ts';
import type { TemplateJob, TemplateOutcome, TemplateResult } from './helm-render.ts';

/**
 * registerHelmCommand adds `fluxts helm template [NAME] CHART`, which prints exactly what `helm template` (Helm
 * v4.2.4) prints for the same arguments, or fails with helm's message (`Error: …` on stderr, exit code 1). Local
 * charts only (a directory or a packaged .tgz): no repository, registry, cluster or network access.
 */

export type { TemplateFlags } from './helm-flags.ts';

export function registerHelmCommand(program: Command): void {
  const helm = program.command('helm').description('Helm, built in: render charts as helm v4.2.4 does');
  registerTemplate(helm, async (argv) => {
    process.exitCode = await runTemplateArgv(argv, processIo);
  });
}

/**
 * registerTemplate adds the `template` subcommand. commander only collects the raw arguments: `helm template`'s
 * flags follow pflag's grammar and messages, which helm-flags.ts implements (commander's differ).
 */
function registerTemplate(helm: Command, action: (argv: string[]) => Promise<void>): void {
  helm
    .command('template')
    .description('render a chart locally and print the manifests, byte for byte as `helm template` does')
    .usage('[NAME] CHART [flags]')
    .argument('[args...]', '[NAME] CHART: the release name (default release-name) and a chart directory or .tgz')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption('--help', 'show this help')
    .addHelpText('after', () => `\n${templateFlagsHelp()}`)
    .action(async (_args: string[], _opts: unknown, cmd: Command) => action(cmd.args));
}

/** HelmIo is where a helm command writes, and what it reads from its environment. */
export interface HelmIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
}

const processIo: HelmIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  get cwd() {
    return process.cwd();
  },
  env: process.env,
};

/**
 * runHelm runs `fluxts helm …` with argv in-process and returns the exit code: what the differential tests and
 * the benchmark call to compare with the helm binary without paying for a process each time.
 */
export async function runHelm(argv: readonly string[], io: HelmIo): Promise<number> {
  const { Command } = await import('commander');
  let code = 0;
  const program = new Command('fluxts').exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  const helm = program.command('helm');
  registerTemplate(helm, async (args) => {
    code = await runTemplateArgv(args, io);
  });
  try {
    await program.parseAsync(['helm', ...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof Error && 'exitCode' in err) return Number((err as { exitCode: number }).exitCode);
    throw err;
  }
  return code;
}

/** RENDER_STACK_MB is the render thread's stack: room for Helm's 1000 nested includes with a wide margin. */
const RENDER_STACK_MB = 16;

/** runTemplateArgv parses `helm template`'s argv as helm does and renders, or prints helm's flag error. */
async function runTemplateArgv(argv: string[], io: HelmIo): Promise<number> {
  const parsed = parseTemplateArgs(argv);
  if ('error' in parsed) {
    io.stderr(`Error: ${parsed.error}\n`);
    return 1;
  }
  return runTemplate(parsed.args, parsed.flags, io);
}

/**
 * runTemplate renders on this thread and writes what helm would print; a render that ran out of JavaScript stack
 * (a chart nesting `include` hundreds deep) runs again on a worker thread with a large stack (helm-render.ts).
 */
async function runTemplate(args: string[], flags: TemplateFlags, io: HelmIo): Promise<number> {
  const { renderTemplate } = await import('./helm-render.ts');
  const job: TemplateJob = { args, flags, cwd: io.cwd, env: { ...io.env } };
  let result = await renderTemplate(job);
  if (result.stackExhausted) result = await renderOnWorker(job);
  if (result.stdout) io.stdout(result.stdout);
  if (result.stderr) io.stderr(result.stderr);
  return result.code;
}

async function renderOnWorker(job: TemplateJob): Promise<TemplateOutcome> {
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(new URL('./helm-render.ts', import.meta.url), {
    workerData: { helmRenderJob: job },
    resourceLimits: { stackSizeMb: RENDER_STACK_MB },
  });
  const result = await new Promise<TemplateResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the helm render thread exited with code ${code} and no result`)));
  });
  if ('crash' in result) throw new Error(`helm template failed unexpectedly: ${result.crash}`);
  return result;
}

// Standalone entry (`node src/cli/commands/helm.ts template …`): loads only this command, with Node's compile cache
// on. The benchmark times it beside `fluxts`.
if (import.meta.main) {
  const { enableCompileCache } = await import('node:module');
  enableCompileCache();
  const { Command } = await import('commander');
  const program = new Command('fluxts').exitOverride();
  registerHelmCommand(program);
  try {
    await program.parseAsync(['helm', ...process.argv.slice(2)], { from: 'user' });
  } catch (err) {
    if (!(err instanceof Error && 'exitCode' in err && err.exitCode === 0)) {
      process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  }
}
