import type { Command } from 'commander';

import type { TemplateJob, TemplateOutcome, TemplateResult } from './helm-render.ts';

/**
 * registerHelmCommand adds `fluxts helm template [NAME] CHART`, which prints exactly what `helm template` (Helm
 * v4.2.4) prints for the same arguments, or fails with helm's message (`Error: …` on stderr, exit code 1). Local
 * charts only (a directory or a packaged .tgz): no repository, registry, cluster or network access.
 */

/** TemplateFlags are `helm template`'s flags as commander parses them. */
export interface TemplateFlags {
  values: string[];
  set: string[];
  setString: string[];
  setFile: string[];
  setJson: string[];
  setLiteral: string[];
  namespace?: string;
  includeCrds: boolean;
  skipCrds: boolean;
  skipTests: boolean;
  noHooks: boolean;
  showOnly: string[];
  kubeVersion?: string;
  apiVersions: string[];
  isUpgrade: boolean;
  nameTemplate?: string;
  generateName: boolean;
  skipSchemaValidation: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** splitSlice is pflag's StringSlice: each occurrence is CSV (commas separate, quotes protect commas). */
function splitSlice(value: string, previous: string[]): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted) {
      if (c === '"' && value[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return [...previous, ...(value === '' ? [] : out)];
}

export function registerHelmCommand(program: Command): void {
  const helm = program.command('helm').description('Helm, built in: render charts as helm v4.2.4 does');
  registerTemplate(helm, async (args, flags) => {
    process.exitCode = await runTemplate(args, flags, processIo);
  });
}

type TemplateAction = (args: string[], flags: TemplateFlags & { hooks: boolean }) => Promise<void>;

function registerTemplate(helm: Command, action: TemplateAction): void {
  helm
    .command('template')
    .description('render a chart locally and print the manifests, byte for byte as `helm template` does')
    .argument('<args...>', '[NAME] CHART: the release name (default release-name) and a chart directory or .tgz')
    .option('-f, --values <files>', 'values files (can specify multiple, or separate with commas)', splitSlice, [])
    .option('--set <values>', 'set values (key1=val1,key2=val2; can specify multiple)', collect, [])
    .option('--set-string <values>', 'set STRING values (can specify multiple)', collect, [])
    .option('--set-file <values>', 'set values from files (key=path; can specify multiple)', collect, [])
    .option('--set-json <values>', 'set JSON values (key=jsonval, or a JSON object; can specify multiple)', collect, [])
    .option('--set-literal <values>', 'set a literal STRING value (can specify multiple)', collect, [])
    .option('-n, --namespace <namespace>', 'namespace of the release (default: $HELM_NAMESPACE or default)')
    .option('--include-crds', 'include CRDs in the templated output', false)
    .option('--skip-crds', 'no effect on rendering (CRDs are printed only with --include-crds)', false)
    .option('--skip-tests', 'skip tests from templated output', false)
    .option('--no-hooks', 'prevent hooks from being printed')
    .option('-s, --show-only <template>', 'only show manifests rendered from the given templates', collect, [])
    .option('--kube-version <version>', 'Kubernetes version used for Capabilities.KubeVersion')
    .option(
      '-a, --api-versions <versions>',
      'Kubernetes api versions used for Capabilities.APIVersions',
      splitSlice,
      [],
    )
    .option('--is-upgrade', 'set .Release.IsUpgrade instead of .Release.IsInstall', false)
    .option('--name-template <template>', 'template used to name the release')
    .option('-g, --generate-name', 'generate the name (and omit the NAME parameter)', false)
    .option('--skip-schema-validation', 'disable JSON schema validation', false)
    .action(action);
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
  registerTemplate(helm, async (args, flags) => {
    code = await runTemplate(args, flags, io);
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

/**
 * runTemplate renders on this thread and writes what helm would print; a render that ran out of JavaScript stack
 * (a chart nesting `include` hundreds deep) runs again on a worker thread with a large stack (helm-render.ts).
 */
async function runTemplate(args: string[], flags: TemplateFlags & { hooks: boolean }, io: HelmIo): Promise<number> {
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
