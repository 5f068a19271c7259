// The files of a checkout the Setters strategy reads and writes: everything under `update.path` (scoped inside the
// checkout as Flux's securejoin scopes it: `..` cannot climb out, a symlinked directory cannot lead out), skipping
// `.git` and symlinked files as Flux's file reader does, and reading only files whose name can qualify.
import { lstat, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';

import { isCandidateName, type FileUpdate, type SourceFile } from '../../../engines/setters/index.ts';
import { FluxtsError } from '../../../util/errors.ts';

/** UpdatePathError: `spec.update.path` leads outside the repository or is not a directory. */
export class UpdatePathError extends FluxtsError {}

/** resolveUpdatePath scopes `update.path` inside the checkout and checks it is a directory there. */
export async function resolveUpdatePath(checkout: string, path: string | undefined): Promise<string> {
  const rel = posix.normalize(`/${path ?? ''}`).slice(1);
  const abs = rel === '' ? checkout : join(checkout, ...rel.split('/'));
  let real: string;
  try {
    real = await realpath(abs);
  } catch {
    throw new UpdatePathError(`update path '${path}' does not exist in the repository`);
  }
  const root = await realpath(checkout);
  if (real !== root && !real.startsWith(root + sep)) {
    throw new UpdatePathError(`update path '${path}' resolves outside the repository`);
  }
  if (!(await lstat(real)).isDirectory()) throw new UpdatePathError(`update path '${path}' is not a directory`);
  return real;
}

/** readCandidates reads the files under dir whose names the setters consider (paths relative to dir). */
export async function readCandidates(dir: string): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    const entries = await readdir(abs, { withFileTypes: true });
    for (const e of entries) {
      const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== '.git') await walk(join(abs, e.name), childRel);
      } else if (e.isFile() && isCandidateName(childRel)) {
        out.push({ path: childRel, text: await readFile(join(abs, e.name), 'utf8') });
      }
    }
  };
  await walk(dir, '');
  return out;
}

/** writeUpdates writes the changed files back under dir. */
export async function writeUpdates(dir: string, files: readonly FileUpdate[]): Promise<void> {
  for (const f of files) await writeFile(join(dir, ...f.path.split('/')), f.text);
}
