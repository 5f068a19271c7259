// Copy operations of an ArtifactGenerator output (source-watcher `applyCopyOperations`), with cp-like semantics:
// `@src/file` → `@artifact/dir/` copies into the directory, `@src/dir` (no glob) copies the directory as a
// subdirectory, `@src/dir/**` copies its contents (the `dir/` prefix is stripped), other globs keep the matched
// path; `exclude` removes matches by path or, for patterns without `/`, by file name; `Merge` deep-merges a YAML
// file into an existing one (Helm's values rule: maps merge, everything else is replaced); `Extract` unpacks
// `.tar.gz`/`.tgz` archives (safely: no `..`, no links out) into the destination. Every path is resolved inside
// its root: a source or destination that would leave it is refused.
import { chmod, copyFile, cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, normalize, relative, resolve, sep } from 'node:path';

import { extractTarGz } from '../../../artifacts/index.ts';
import { FluxtsError } from '../../../util/errors.ts';
import { doublestarGlob, doublestarMatch, goGlob, hasMeta, validDoublestarPattern, walkPaths } from './glob.ts';
import { mergeYamlFiles } from './merge.ts';

/** CopyOperation is one entry of `spec.artifacts[].copy`. */
export interface CopyOperation {
  from: string;
  to: string;
  exclude?: string[];
  strategy?: 'Overwrite' | 'Merge' | 'Extract';
}

/** CopyError: an operation could not be applied; the message names the operation and what failed. */
export class CopyError extends FluxtsError {}

/** applyCopyOperations runs the operations in order into staging; `sources` maps aliases to extracted dirs. */
export async function applyCopyOperations(
  operations: readonly CopyOperation[],
  sources: ReadonlyMap<string, string>,
  staging: string,
): Promise<void> {
  for (const op of operations) {
    try {
      await applyCopyOperation(op, sources, staging);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new CopyError(`failed to apply copy operation from '${op.from}' to '${op.to}': ${message}`, {
        cause: err,
      });
    }
  }
}

/** inside resolves rel under root, refusing paths that leave it. */
function inside(root: string, rel: string, what: string): string {
  const target = resolve(root, rel);
  const back = relative(resolve(root), target);
  if (back === '..' || back.startsWith(`..${sep}`) || back.startsWith(sep)) {
    throw new CopyError(`${what} '${rel}' is outside the ${what === 'source' ? 'source' : 'artifact'} root`);
  }
  return target;
}

function parseFrom(from: string): { alias: string; pattern: string } {
  if (!from.startsWith('@')) throw new CopyError(`invalid copy source '${from}': source must start with '@'`);
  const slash = from.indexOf('/');
  if (slash === -1) throw new CopyError(`invalid copy source '${from}': source format must be '@alias/pattern'`);
  return { alias: from.slice(1, slash), pattern: from.slice(slash + 1) };
}

function parseTo(to: string): string {
  if (!to.startsWith('@artifact/')) {
    throw new CopyError(`invalid copy destination '${to}': destination must start with '@artifact/'`);
  }
  return to.slice('@artifact/'.length);
}

/** shouldExclude: a doublestar match on the path, or for a pattern without `/`, on the file name. */
export function shouldExclude(path: string, patterns: readonly string[] = []): boolean {
  const name = path.split('/').pop() ?? path;
  return patterns.some((p) => doublestarMatch(p, path) || (!p.includes('/') && doublestarMatch(p, name)));
}

const isTarball = (p: string): boolean => p.endsWith('.tar.gz') || p.endsWith('.tgz');

async function applyCopyOperation(
  op: CopyOperation,
  sources: ReadonlyMap<string, string>,
  staging: string,
): Promise<void> {
  const { alias, pattern } = parseFrom(op.from);
  const dest = parseTo(op.to);
  const srcRoot = sources.get(alias);
  if (srcRoot === undefined) throw new CopyError(`source alias '${alias}' not found`);
  for (const p of op.exclude ?? []) {
    if (!validDoublestarPattern(p)) throw new CopyError(`invalid exclude pattern '${p}'`);
  }
  const toDir = op.to.endsWith('/');
  if (!hasMeta(pattern)) return copySingle(op, srcRoot, pattern, staging, dest, toDir);

  const matches = op.strategy === 'Extract' ? await doublestarGlob(srcRoot, pattern) : await goGlob(srcRoot, pattern);
  if (matches.length === 0) throw new CopyError(`no files match pattern '${pattern}' in source '${alias}'`);
  const kept = matches.filter((m) => m !== '.' && m !== '..' && !shouldExclude(m, op.exclude));
  if (kept.length === 0) {
    throw new CopyError(`all files matching pattern '${pattern}' in source '${alias}' were excluded`);
  }
  for (const match of kept) {
    if (op.strategy === 'Extract') {
      if (isTarball(match)) await extractInto(inside(srcRoot, match, 'source'), staging, dest);
      continue;
    }
    await copyPath(op, srcRoot, match, staging, globDestination(pattern, match, dest));
  }
}

/** globDestination: `dir/**` strips `dir/` from its matches, other globs keep the matched path. */
function globDestination(pattern: string, match: string, dest: string): string {
  if (pattern.endsWith('/**')) {
    const prefix = `${pattern.slice(0, -3)}/`;
    if (match.startsWith(prefix)) return join(dest, match.slice(prefix.length));
  }
  return join(dest, match);
}

async function copySingle(
  op: CopyOperation,
  srcRoot: string,
  pattern: string,
  staging: string,
  dest: string,
  toDir: boolean,
): Promise<void> {
  const srcPath = normalize(pattern).replace(/\/$/, '') || '.';
  const info = await stat(inside(srcRoot, srcPath, 'source')).catch(() => undefined);
  if (!info) throw new CopyError(`source '${srcPath}' does not exist`);
  if (info.isDirectory()) {
    if (op.strategy === 'Extract') {
      throw new CopyError(`extract strategy is not supported for directories, got '${srcPath}'`);
    }
    return copyPath(op, srcRoot, srcPath, staging, join(dest, basename(srcPath)));
  }
  if (shouldExclude(srcPath, op.exclude)) return;
  if (op.strategy === 'Extract') {
    if (!isTarball(srcPath)) {
      throw new CopyError(`extract strategy requires tarball file (.tar.gz or .tgz), got '${srcPath}'`);
    }
    return extractInto(inside(srcRoot, srcPath, 'source'), staging, dest);
  }
  let target = dest;
  const existing = await stat(inside(staging, dest, 'destination')).catch(() => undefined);
  if (toDir || existing?.isDirectory()) target = join(dest, basename(srcPath));
  return copyPath(op, srcRoot, srcPath, staging, target);
}

/** copyPath copies a file (merging it under Merge) or a directory tree (honouring exclude) to dest. */
async function copyPath(op: CopyOperation, srcRoot: string, src: string, staging: string, dest: string): Promise<void> {
  const from = inside(srcRoot, src, 'source');
  const to = inside(staging, dest, 'destination');
  const info = await stat(from);
  if (info.isDirectory()) {
    await mkdir(to, { recursive: true });
    for (const rel of await walkPaths(from)) {
      if (excludedInTree(rel, op.exclude)) continue;
      const s = join(from, rel);
      const d = join(to, rel);
      if ((await stat(s)).isDirectory()) await mkdir(d, { recursive: true });
      else await copyRegular(s, d);
    }
    return;
  }
  if (op.strategy === 'Merge' && (await stat(to).catch(() => undefined))) {
    await writeFile(to, mergeYamlFiles(await readFile(to, 'utf8'), await readFile(from, 'utf8')), { mode: 0o644 });
    return;
  }
  await copyRegular(from, to);
}

/** excludedInTree: a path is left out when it or one of its parent directories is excluded (fs.SkipDir). */
function excludedInTree(rel: string, patterns: readonly string[] = []): boolean {
  if (patterns.length === 0) return false;
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) if (shouldExclude(parts.slice(0, i).join('/'), patterns)) return true;
  return false;
}

async function copyRegular(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  // A directory where the file goes (an earlier copy made one) cannot be overwritten by a file.
  if ((await stat(to).catch(() => undefined))?.isDirectory()) {
    throw new CopyError(`cannot overwrite directory '${to}' with a file`);
  }
  await copyFile(from, to);
  await chmod(to, (await stat(from)).mode & 0o777);
}

/** extractInto unpacks a tarball safely (artifacts/extract) and merges its tree into staging/dest. */
async function extractInto(tarball: string, staging: string, dest: string): Promise<void> {
  const target = inside(staging, dest, 'destination');
  const dir = await extractTarGz(tarball, { parentDir: dirname(resolve(staging)) });
  try {
    await mkdir(target, { recursive: true });
    await cp(dir, target, { recursive: true, force: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
