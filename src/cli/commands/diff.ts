// `fluxts diff kustomization NAME --path DIR`: the build of `build kustomization`, a server-side dry-run apply of
// every object as kustomize-controller (`kube/diff-set.ts`), and flux v2.9's report: `► Kind/ns/name created`,
// `► … drifted` followed by a dyff-style report of the changed fields (Secret values masked), and `► … deleted` for
// inventory entries no longer built (when spec.prune). Exit code 1 when anything differs, 0 when nothing does, 2
// on errors, as flux.
import { Command, CommanderError, Option } from 'commander';

import { diffAll, type DiffEntry, inventoryFromObjects, refOf, staleObjects, subjectOf } from '../../kube/ssa/index.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { errorMessage, FluxtsError } from '../../util/errors.ts';
import type { Kustomization } from '../../api/index.ts';
import { addRecursiveFlags, ignorePathsFlag, withDeadline } from '../shared/build-flags.ts';
import { addGlobalFlags, connect, explainClusterError, globalFlags } from '../shared/connect.ts';
import { CliInputError } from '../shared/errors.ts';
import {
  buildKustomization,
  hasSopsMask,
  isKustomizationObject,
  nestedPath,
  validateBuildRequest,
  type BuildRequest,
} from '../shared/kustomization-build.ts';
import { Logger, processOutput, type Output } from '../shared/terminal.ts';
import { reportChanges } from '../shared/yaml-diff.ts';
import { diffArtifactCommand } from './artifact.ts';
import { diffHelmReleaseCommand } from './diff-helmrelease.ts';

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const keysOf = (o: KubeObject | undefined): string =>
  JSON.stringify(Object.keys(isMap(o?.['data']) ? o['data'] : {}).sort());

/** DiffOutcome is the report text and whether anything would change. */
export interface DiffOutcome {
  output: string;
  changed: boolean;
}

/**
 * diffKustomization builds the Kustomization, dry-runs every object and renders flux's report, in build order;
 * inventory entries that left the build are reported deleted when spec.prune is set.
 */
export async function diffKustomization(req: BuildRequest & { client: KubeClient }): Promise<DiffOutcome> {
  const { objects, kustomization } = await buildKustomization({ ...req, single: true });
  const ignore = kustomization.spec.ignore;
  const entries = await diffAll(req.client, objects, {
    fieldManager: 'kustomize-controller',
    ...(ignore ? { ignore } : {}),
  });
  const bySubject = new Map<string, DiffEntry>(entries.map((e) => [e.subject, e]));
  let output = '';
  let changed = false;
  const errors: unknown[] = [];
  for (const obj of objects) {
    const entry = bySubject.get(subjectOf(refOf(obj)));
    if (!entry) continue;
    let action = entry.action;
    if (obj.kind === 'Secret' && action === 'configured' && hasSopsMask(obj)) {
      action = keysOf(entry.live) === keysOf(entry.merged) ? 'unchanged' : 'configured';
    }
    if (action === 'created') {
      output += `► ${entry.subject} created\n`;
      changed = true;
    } else if (action === 'configured') {
      output += `► ${entry.subject} drifted\n\n`;
      if (entry.live && entry.merged) output += reportChanges(entry.live, entry.merged);
      changed = true;
    }
    if (!req.recursive || !isKustomizationObject(obj) || action === 'created') continue;
    const child = obj as unknown as Kustomization;
    const ks = kustomization.metadata;
    if (child.metadata.name === ks.name && child.metadata.namespace === ks.namespace) continue;
    if (child.spec.kubeConfig) {
      output += `⚠️ ${entry.subject} skipped: diff not supported for remote clusters\n`;
      continue;
    }
    // flux gathers the nested diffs' errors and goes on, so every diff is seen; they fail the run at the end.
    try {
      const sub = await diffKustomization({
        name: child.metadata.name ?? '',
        namespace: child.metadata.namespace ?? '',
        path: nestedPath(child, req.localSources ?? {}),
        client: req.client,
        ignorePaths: req.ignorePaths ?? [],
        strictSubstitute: req.strictSubstitute ?? false,
        recursive: true,
        localSources: req.localSources ?? {},
      });
      if (sub.changed) {
        changed = true;
        output += `📁 ${entry.subject} changed\n${sub.output}`;
      }
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) {
    const first = errors[0];
    if (errors.length === 1) throw first;
    throw new CliInputError(errors.map((e) => errorMessage(e)).join('; '), { cause: first });
  }
  if (kustomization.spec.prune) {
    const previous = kustomization.status?.inventory;
    for (const ref of staleObjects(previous, inventoryFromObjects(objects))) {
      output += `► ${subjectOf(ref)} deleted\n`;
      changed = true;
    }
  }
  return { output, changed };
}

/** colourize paints the status lines as flux does on a terminal: created green, deleted red. */
function colourize(text: string): string {
  return text
    .replace(/^(► .* created)$/gm, '\u001b[32m$1\u001b[0m')
    .replace(/^(► .* deleted)$/gm, '\u001b[31m$1\u001b[0m');
}

/** DIFF_ERROR_EXIT is flux's exit code for a diff that failed (1 means "differences found"). */
export const DIFF_ERROR_EXIT = 2;

/** failDiff prints an error as one line (plus hint) and exits with code 2, so scripts can tell it from changes. */
function failDiff(o: Output, err: unknown): never {
  const e = explainClusterError(err);
  const log = new Logger(o);
  log.failure(errorMessage(e).split('\n').join('; '));
  if (e instanceof FluxtsError && e.hint) o.err(`  hint: ${e.hint}\n`);
  throw new CommanderError(DIFF_ERROR_EXIT, 'fluxts.diff.failed', errorMessage(e));
}

/** addProgressBarFlag declares flux's `--progress-bar [bool]` (the spinner on stderr while the dry-run runs). */
export function addProgressBarFlag(cmd: Command): Command {
  return cmd.option(
    '--progress-bar [bool]',
    'Boolean to set the progress bar. The default value is true.',
    (v) => v !== 'false',
    true,
  );
}

/**
 * runDiff runs one diff under flux's spinner (unless --progress-bar=false) and ends as flux does: the report on
 * stdout, then exit 1 when anything differs; a failure prints one line (and its hint) and exits 2.
 */
export async function runDiff(
  opts: Record<string, unknown>,
  spinner: string,
  compute: () => Promise<DiffOutcome>,
): Promise<void> {
  const o = processOutput();
  let outcome: DiffOutcome;
  try {
    const work = compute();
    outcome = opts['progressBar'] === false ? await work : await new Logger(o).spin(spinner, work);
  } catch (err) {
    failDiff(o, err);
  }
  o.out(process.stdout.isTTY && process.env['NO_COLOR'] === undefined ? colourize(outcome.output) : outcome.output);
  if (outcome.changed) {
    new Logger(o).warning('identified at least one change, exiting with non-zero exit code');
    throw new CommanderError(1, 'fluxts.diff.changed', 'identified at least one change');
  }
}

/** registerDiffCommand adds `diff kustomization|ks NAME --path DIR …` to the program. */
export function registerDiffCommand(program: Command): void {
  const diffCmd = new Command('diff').description('Diff a flux resource');
  const ks = new Command('kustomization')
    .alias('ks')
    .description('Diff Kustomization')
    .argument('[name]', 'the Kustomization name')
    .option('--path <dir>', 'Path to a local directory that matches the specified Kustomization.spec.path.')
    .option('--kustomization-file <file>', 'Path to the Flux Kustomization YAML file.')
    .option('--ignore-paths <patterns>', 'set paths to ignore in .gitignore format', ignorePathsFlag)
    .addOption(
      new Option(
        '--strict-substitute',
        'When enabled, the post build substitutions will fail if a var without a default value is declared in files but is missing from the input vars.',
      ).default(false),
    )
    .option('--ignore-not-found', 'Ignore Kustomization not found errors on the cluster when diffing.', false)
    .addHelpText(
      'after',
      `
The diff command does a build, then it performs a server-side dry-run and prints the diff.
Exit status: 0 No differences were found. 1 Differences were found. >1 diff failed with an error.

Examples:
  # Preview local changes as they were applied on the cluster
  fluxts diff kustomization my-app --path ./path/to/local/manifests

  # Preview using a local flux kustomization file
  fluxts diff kustomization my-app --path ./path/to/local/manifests --kustomization-file ./my-app.yaml

  # Preview also the Kustomizations my-app contains, from local checkouts of their sources
  fluxts diff kustomization my-app --path ./path/to/local/manifests --recursive \\
    --local-sources GitRepository/flux-system/my-repo=./path/to/local/git`,
    )
    .action((name: string | undefined, opts: Record<string, unknown>, cmd: Command) =>
      runDiff(opts, 'Kustomization diffing... running dry-run', async () => {
        if (!name) throw new CliInputError('Kustomization name is required', { hint: 'pass the Kustomization name' });
        const flags = globalFlags(cmd);
        const base: BuildRequest = {
          name,
          namespace: flags.namespace,
          path: typeof opts['path'] === 'string' ? opts['path'] : '',
          kustomizationFile: typeof opts['kustomizationFile'] === 'string' ? opts['kustomizationFile'] : undefined,
          ignorePaths: (opts['ignorePaths'] as string[] | undefined) ?? [],
          strictSubstitute: opts['strictSubstitute'] === true,
          recursive: opts['recursive'] === true,
          localSources: (opts['localSources'] as Record<string, string> | undefined) ?? {},
          ignoreNotFound: opts['ignoreNotFound'] === true,
        };
        validateBuildRequest(base);
        const client = connect(flags);
        return withDeadline(flags.timeoutMs, 'diff failed', diffKustomization({ ...base, client }));
      }),
    );
  addProgressBarFlag(ks);
  addRecursiveFlags(ks, 'diff');
  addGlobalFlags(ks);
  diffCmd.addCommand(ks);
  diffCmd.addCommand(diffHelmReleaseCommand());
  diffCmd.addCommand(diffArtifactCommand());
  program.addCommand(diffCmd);
}
