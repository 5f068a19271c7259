// The render of `fluxts helm template`. Helm lets `include` nest 1000 deep before it fails with its own message
// ("rendering template has a nested reference name"), deeper than the main thread's stack (about 1 MB) lets a
// tree-walking template interpreter go. So a render runs on the calling thread, and only one that ran out of stack
// runs again on a worker thread whose stack is set large at its start (this file is that worker's entry): ordinary
// charts do not pay the worker's start-up.
import { parentPort, workerData } from 'node:worker_threads';

import type { TemplateFlags } from './helm-flags.ts';

/** TemplateJob is what the main thread sends: the arguments, flags and the environment the render reads. */
export interface TemplateJob {
  args: string[];
  flags: TemplateFlags;
  cwd: string;
  env: Record<string, string | undefined>;
}

/** TemplateOutcome is helm's stdout and stderr and the exit code; stackExhausted: the JS stack ran out. */
export interface TemplateOutcome {
  code: number;
  stdout: string;
  stderr: string;
  stackExhausted: boolean;
}

/** TemplateResult is what the worker sends back: the outcome, or an unexpected error. */
export type TemplateResult = TemplateOutcome | { crash: string };

/** exhaustedStack: the JavaScript stack overflowed somewhere below err (a RangeError, or its message wrapped). */
function exhaustedStack(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 100; e = e.cause, depth++) {
    if (e instanceof RangeError) return true;
    if (/Maximum call stack size exceeded|max expression depth exceeded/.test(e.message)) return true;
  }
  return false;
}

/** renderTemplate runs one `helm template`: helm's output, or `Error: …` and code 1 where helm fails. */
export async function renderTemplate(job: TemplateJob): Promise<TemplateOutcome> {
  const { args, flags, cwd, env } = job;
  const [{ helmTemplate, HelmError, nodeChartFileSystem }, { sprigFunctions }, { readFileSync }] = await Promise.all([
    import('../../engines/helm/index.ts'),
    import('../../engines/sprig/index.ts'),
    import('node:fs'),
  ]);
  try {
    const out = helmTemplate({
      fs: nodeChartFileSystem,
      args,
      cwd: cwd,
      namespace: flags.namespace ?? env['HELM_NAMESPACE'] ?? '',
      values: {
        valueFiles: flags.values,
        values: flags.set,
        stringValues: flags.setString,
        fileValues: flags.setFile,
        jsonValues: flags.setJson,
        literalValues: flags.setLiteral,
      },
      readFile: (path) => {
        try {
          return readFileSync(path.startsWith('/') ? path : `${cwd}/${path}`, 'utf8');
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          // Go's os.ReadFile: opening a directory succeeds and reading it fails, hence `read` for EISDIR.
          if (code === 'EISDIR') throw new Error(`read ${path}: is a directory`, { cause: err });
          const reason = code === 'ENOENT' ? 'no such file or directory' : (err as Error).message;
          throw new Error(`open ${path}: ${reason}`, { cause: err });
        }
      },
      ...(flags.kubeVersion !== undefined ? { kubeVersion: flags.kubeVersion } : {}),
      apiVersions: flags.apiVersions,
      includeCrds: flags.includeCrds,
      skipTests: flags.skipTests,
      noHooks: !flags.hooks,
      showOnly: flags.showOnly,
      isUpgrade: flags.isUpgrade,
      ...(flags.nameTemplate !== undefined ? { nameTemplate: flags.nameTemplate } : {}),
      generateName: flags.generateName,
      skipSchemaValidation: flags.skipSchemaValidation,
      functions: sprigFunctions({ localZone: env['TZ'] ?? 'UTC' }),
      warn: () => {},
    });
    return { code: 0, stdout: out, stderr: '', stackExhausted: false };
  } catch (err) {
    if (err instanceof HelmError) {
      return { code: 1, stdout: '', stderr: `Error: ${err.message}\n`, stackExhausted: exhaustedStack(err) };
    }
    throw err;
  }
}

// The worker entry: only a thread started by renderOnWorker (helm.ts) carries a job; importing this file on any
// other thread, worker or not, runs nothing.
const job = (workerData as { helmRenderJob?: TemplateJob } | null)?.helmRenderJob;
if (parentPort !== null && job !== undefined) {
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();
  const port = parentPort;
  const reply = (r: TemplateResult): void => port.postMessage(r);
  await renderTemplate(job).then(reply, (err: unknown) =>
    reply({ crash: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
}
