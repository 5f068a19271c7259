import { cp, rm } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';

import type { Artifact, ArtifactStorage } from '../../../artifacts/index.ts';
import { extractTarGz } from '../../../artifacts/index.ts';
import { FluxtsError } from '../../../util/errors.ts';

/** IncludeLookup returns the current artifact of a GitRepository in a namespace, if it has one. */
export type IncludeLookup = (namespace: string, name: string) => Artifact | undefined;

/** IncludeError: an included repository has no artifact yet, or a path of the include is invalid. */
export class IncludeError extends FluxtsError {
  readonly reason: string;

  constructor(message: string, reason = 'IncludeUnavailable', options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** Include is one entry of `spec.include`. */
export interface Include {
  repository: { name: string };
  fromPath?: string;
  toPath?: string;
}

/**
 * copyIncludes copies `fromPath` of each included artifact (its root by default) to `toPath` of the checkout (the
 * repository's name by default), in order, and returns the included artifacts for `status.includedArtifacts`.
 * Paths that leave their root are refused.
 */
export async function copyIncludes(
  storage: ArtifactStorage,
  checkout: string,
  includes: readonly Include[],
  resolved: readonly (Artifact | undefined)[],
): Promise<Artifact[]> {
  const used: Artifact[] = [];
  for (const [index, include] of includes.entries()) {
    const artifact = resolved[index];
    const name = include.repository.name;
    if (!artifact) throw new IncludeError(`no artifact available for include GitRepository '${name}'`);
    const from = insideRoot(include.fromPath ?? '', `include '${name}' fromPath`);
    const to = insideRoot(include.toPath ?? name, `include '${name}' toPath`);
    const extracted = await extractTarGz(storage.localPath(artifact));
    try {
      await cp(join(extracted, from), join(checkout, to), { recursive: true, force: true });
    } catch (cause) {
      throw new IncludeError(
        `failed to copy include '${name}' from '${include.fromPath ?? '.'}': ${(cause as Error).message}`,
        'IncludeUnavailable',
        {
          cause,
        },
      );
    } finally {
      await rm(extracted, { recursive: true, force: true });
    }
    used.push(artifact);
  }
  return used;
}

/** insideRoot normalises a relative path and refuses absolute paths and `..` escapes. */
function insideRoot(path: string, what: string): string {
  const clean = normalize(path.replace(/^\.\//, '') || '.');
  if (isAbsolute(clean) || clean === '..' || clean.startsWith(`..${sep}`) || relative('.', clean).startsWith('..')) {
    throw new IncludeError(`${what} '${path}' leaves the artifact root`, 'InvalidPath');
  }
  return clean;
}
