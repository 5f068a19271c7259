// `fluxts diff kustomization NAME --path DIR`: the build of `build kustomization`, a server-side dry-run apply of
// every object as kustomize-controller (`kube/diff-set.ts`), and flux v2.9's report: `► Kind/ns/name created`,
// `► … drifted` followed by a dyff-style report of the changed fields (Secret values masked), and `► … deleted` for
// inventory entries no longer built (when spec.prune). Exit code 1 when anything differs, 0 when nothing does, 2
// on errors, as flux.
import { Command, CommanderError, Option } from 'commander';

import { diffAll, type DiffEntry, inventoryFromObjects, refOf, staleObjects, subjectOf } from '../../kube/ssa/index.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { errorMessage, FluxtsError } from '../../util/errors.ts';
import { addGlobalFlags, connect, explainClusterError, globalFlags } from '../shared/connect.ts';
import { CliInputError } from '../shared/errors.ts';
import { Logger, processOutput, type Output } from '../shared/terminal.ts';
import type { Kustomization } from '../../api/index.ts';
import {
  addRecursiveFlags,
  buildKustomization,
  ignorePathsFlag,
  isKustomizationObject,
  nestedPath,
  validateBuildRequest,
  withDeadline,
  type BuildRequest,
} from './build.ts';
import { diffArtifactCommand } from './artifact.ts';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
];
const count = (n: number, noun: string): string => `${WORDS[n] ?? String(n)} ${noun}${n === 1 ? '' : 's'}`;

/** scalarText prints a scalar as dyff shows it: no quotes. */
function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return 'null';
}

/** plainYaml renders a value the way dyff shows entries: block YAML with unquoted scalars. */
function plainYaml(value: unknown, indent = ''): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}[]`];
    return value.flatMap((item) => {
      const lines = plainYaml(item, `${indent}  `);
      const first = (lines[0] ?? '').slice(indent.length + 2);
      return [`${indent}- ${first}`, ...lines.slice(1)];
    });
  }
  if (isMap(value)) {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return [`${indent}{}`];
    return keys.flatMap((k) => {
      const v = value[k];
      if ((isMap(v) && Object.keys(v).length > 0) || (Array.isArray(v) && v.length > 0)) {
        return [`${indent}${k}:`, ...plainYaml(v, Array.isArray(v) ? indent : `${indent}  `)];
      }
      return [`${indent}${k}: ${plainYaml(v)[0] ?? ''}`];
    });
  }
  return [`${indent}${scalarText(value)}`];
}

/** sideBySide puts a removal block and an addition block next to each other, as flux's dyff printer does. */
function sideBySide(left: string[], right: string[]): string[] {
  const width = Math.max(...left.map((l) => l.length)) + 3;
  const rows = Math.max(left.length, right.length);
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    const l = left[i] ?? '';
    const r = i === 0 ? (right[0] ?? '') : right[i] === undefined ? '' : `  ${right[i]}`;
    out.push(r ? `${l.padEnd(width)}${r}` : l);
  }
  return out;
}

function entriesBlock(kind: 'map' | 'list', removed: unknown[], added: unknown[]): string[] {
  const body = (items: unknown[]): string[] => (kind === 'map' ? items.flatMap((e) => plainYaml(e)) : plainYaml(items));
  const rm = removed.length
    ? [`- ${count(removed.length, `${kind} entry`).replace('entrys', 'entries')} removed:`]
    : [];
  const ad = added.length ? [`+ ${count(added.length, `${kind} entry`).replace('entrys', 'entries')} added:`] : [];
  if (removed.length && added.length) return sideBySide([...rm, ...body(removed)], [...ad, ...body(added)]);
  // flux's printer indents what was added, not what was removed.
  if (removed.length) return [...rm, ...body(removed)];
  return [...ad, ...body(added).map((l) => `  ${l}`)];
}

/** lineDiff is a minimal line diff (LCS) of two texts: removed and inserted lines in order. */
function lineDiff(a: string[], b: string[]): { lines: string[]; inserts: number; deletions: number } {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const lines: string[] = [];
  let inserts = 0;
  let deletions = 0;
  // Within a changed run, deletions print before insertions, as dyff does.
  let del: string[] = [];
  let ins: string[] = [];
  const flush = (): void => {
    // dyff counts changed runs, not lines: four deleted lines in a row are "one deletion".
    if (del.length) deletions++;
    if (ins.length) inserts++;
    lines.push(...del, ...ins);
    del = [];
    ins = [];
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      flush();
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      ins.push(`+ ${b[j++]!}`);
    } else {
      del.push(`- ${a[i++]!}`);
    }
  }
  flush();
  return { lines, inserts, deletions };
}

/** identifierOf is the field that names the entries of a list (dyff's Kubernetes entity detection). */
function identifierOf(a: unknown[], b: unknown[]): string | undefined {
  const all = [...a, ...b];
  if (all.length === 0) return undefined;
  for (const id of ['name', 'key', 'id']) {
    if (all.every((e) => isMap(e) && typeof e[id] === 'string')) {
      const names = (l: unknown[]): Set<unknown> => new Set(l.map((e) => (e as Json)[id]));
      if (names(a).size === a.length && names(b).size === b.length) return id;
    }
  }
  return undefined;
}

/** compareValues appends one report block per changed path (pre-order, keys sorted). */
function compareValues(path: string, from: unknown, to: unknown, out: string[][]): void {
  const at = (k: string): string => (path ? `${path}.${k}` : k);
  if (isMap(from) && isMap(to)) {
    const removed = Object.keys(from)
      .filter((k) => !(k in to))
      .sort()
      .map((k) => ({ [k]: from[k] }));
    const added = Object.keys(to)
      .filter((k) => !(k in from))
      .sort()
      .map((k) => ({ [k]: to[k] }));
    if (removed.length || added.length) out.push([path, ...entriesBlock('map', removed, added)]);
    for (const k of Object.keys(from).sort()) if (k in to) compareValues(at(k), from[k], to[k], out);
    return;
  }
  if (Array.isArray(from) && Array.isArray(to)) {
    const id = identifierOf(from, to);
    if (id) {
      const key = (e: unknown): string => String((e as Json)[id]);
      const toByName = new Map(to.map((e) => [key(e), e]));
      const fromNames = new Set(from.map(key));
      const removed = from.filter((e) => !toByName.has(key(e)));
      const added = to.filter((e) => !fromNames.has(key(e)));
      if (removed.length || added.length) out.push([path, ...entriesBlock('list', removed, added)]);
      for (const e of from) if (toByName.has(key(e))) compareValues(at(key(e)), e, toByName.get(key(e)), out);
      return;
    }
    // Unnamed lists of the same length are compared entry by entry (dyff reports `ports.0.containerPort`).
    if (from.length === to.length && from.every((e) => isMap(e) || Array.isArray(e))) {
      from.forEach((e, i) => compareValues(at(String(i)), e, to[i], out));
      return;
    }
    const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);
    const removed = from.filter((e) => !to.some((t) => same(e, t)));
    const added = to.filter((e) => !from.some((f) => same(e, f)));
    if (removed.length || added.length) out.push([path, ...entriesBlock('list', removed, added)]);
    else if (!same(from, to))
      out.push([
        path,
        '⇆ order changed',
        ...plainYaml(from).map((l) => `- ${l}`),
        ...plainYaml(to).map((l) => `+ ${l}`),
      ]);
    return;
  }
  if (JSON.stringify(from) === JSON.stringify(to)) return;
  if (typeof from === 'string' && typeof to === 'string' && (from.includes('\n') || to.includes('\n'))) {
    const d = lineDiff(from.replace(/\n$/, '').split('\n'), to.replace(/\n$/, '').split('\n'));
    const parts = [d.inserts ? count(d.inserts, 'insert') : '', d.deletions ? count(d.deletions, 'deletion') : ''];
    // dyff ends a multiline text report with an empty line of its own.
    out.push([path, `± value change in multiline text (${parts.filter(Boolean).join(', ')})`, ...d.lines, '']);
    return;
  }
  const typeName = (v: unknown): string =>
    Array.isArray(v) ? 'list' : isMap(v) ? 'map' : v === null ? 'null' : typeof v === 'number' ? 'int' : typeof v;
  if (typeName(from) !== typeName(to)) {
    out.push([
      path,
      `± type change from ${typeName(from)} to ${typeName(to)}`,
      ...plainYaml(from).map((l) => `- ${l}`),
      ...plainYaml(to).map((l) => `+ ${l}`),
    ]);
    return;
  }
  out.push([path, '± value change', `- ${plainYaml(from)[0] ?? ''}`, `+ ${plainYaml(to)[0] ?? ''}`]);
}

/** reportChanges renders the changes from `live` to `merged` as flux's dyff printer: blocks separated by blank lines. */
export function reportChanges(live: KubeObject, merged: KubeObject): string {
  const blocks: string[][] = [];
  compareValues('', live, merged, blocks);
  return blocks.map((b) => `${b.join('\n')}\n\n`).join('');
}

const SOPS_MASK = '**SOPS**';

/** hasSopsMask says whether a built Secret carries values flux build masked (SOPS-encrypted in the source). */
function hasSopsMask(obj: KubeObject): boolean {
  const values = [obj['data'], obj['stringData']].flatMap((m) => (isMap(m) ? Object.values(m) : []));
  return values.some((v) => {
    const s = String(v);
    return s.includes(SOPS_MASK) || Buffer.from(s, 'base64').toString('utf8').includes(SOPS_MASK);
  });
}

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
    .option(
      '--progress-bar [bool]',
      'Boolean to set the progress bar. The default value is true.',
      (v) => v !== 'false',
      true,
    )
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
    .action(async (name: string | undefined, opts: Record<string, unknown>, cmd: Command) => {
      const o = processOutput();
      let outcome: DiffOutcome;
      try {
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
        const work = withDeadline(flags.timeoutMs, 'diff failed', diffKustomization({ ...base, client }));
        const log = new Logger(o);
        outcome =
          opts['progressBar'] === false ? await work : await log.spin('Kustomization diffing... running dry-run', work);
      } catch (err) {
        failDiff(o, err);
      }
      o.out(process.stdout.isTTY && process.env['NO_COLOR'] === undefined ? colourize(outcome.output) : outcome.output);
      if (outcome.changed) {
        new Logger(o).warning('identified at least one change, exiting with non-zero exit code');
        throw new CommanderError(1, 'fluxts.diff.changed', 'identified at least one change');
      }
    });
  addRecursiveFlags(ks, 'diff');
  addGlobalFlags(ks);
  diffCmd.addCommand(ks);
  diffCmd.addCommand(diffArtifactCommand());
  program.addCommand(diffCmd);
}
