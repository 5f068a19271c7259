// The tarball `flux push|build|diff artifact` make: a directory, or a single file under its base name, packed
// deterministically, minus flux's default ignore list (VCS files and binary extensions) or the given patterns.
import { createWriteStream } from 'node:fs';
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import { EXCLUDE_EXT, EXCLUDE_VCS, IgnoreMatcher, readPatterns } from '../engines/sourceignore/index.ts';
import { FluxtsError } from '../util/errors.ts';
import { packDirectory, type PackResult } from './pack.ts';

/** ArtifactPathError: the path to pack does not exist. */
export class ArtifactPathError extends FluxtsError {}

/** DEFAULT_PUSH_IGNORE is flux's `--ignore-paths` default for `push|build|diff artifact`: VCS and binary files. */
export const DEFAULT_PUSH_IGNORE: readonly string[] = [...EXCLUDE_VCS, ...EXCLUDE_EXT];

/**
 * buildArtifactLayer packs a directory, or a single file under its base name, into `out` as a deterministic
 * tar+gzip, leaving out paths matched by the gitignore-style `ignore` patterns.
 */
export async function buildArtifactLayer(
  path: string,
  out: string,
  ignore: readonly string[] = DEFAULT_PUSH_IGNORE,
): Promise<PackResult> {
  let info;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new ArtifactPathError(`invalid path '${path}', must point to an existing directory or file`, {
      cause,
    });
  }
  const matcher = ignore.length > 0 ? new IgnoreMatcher(readPatterns(ignore.join('\n'))) : undefined;
  const filter = matcher ? (p: readonly string[], isDir: boolean): boolean => matcher.excludes(p, isDir) : undefined;
  if (info.isDirectory()) return packDirectory(path, createWriteStream(out, { mode: 0o600 }), filter);
  const dir = await mkdtemp(join(tmpdir(), 'fluxts-push-'));
  try {
    await copyFile(path, join(dir, basename(path)));
    return await packDirectory(dir, createWriteStream(out, { mode: 0o600 }), filter);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
