// Decryption of kustomize sources before the build (kustomize-controller `Decryptor.DecryptSources`): every
// secretGenerator `files`/`envs` source and every `patches[].path` file of the kustomization files the build will
// read that is a sops document is decrypted, and the build sees the plaintext. Flux writes the plaintext over the
// file on disk; here it stays in memory, served by an overlay on the build's FileSystem.
import { posix } from 'node:path';

import { parse } from 'yaml';

import { formatForPath, hasMarker, type Format } from '../../../engines/sops/index.ts';
import type { FileSystem } from '../../../engines/kustomize/index.ts';
import { errorMessage, FluxtsError } from '../../../util/errors.ts';

/** MAX_ENCRYPTED_FILE_SIZE is Flux's limit on the size of a source file to decrypt (5 MiB). */
export const MAX_ENCRYPTED_FILE_SIZE = 5 << 20;

/** The kustomization file names kustomize recognises, in its order. */
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** SourceDecryptError says a source could not be decrypted; it names the file (relative to the root), no content. */
export class SourceDecryptError extends FluxtsError {}

/** ignorable marks the recursion dead ends Flux skips: a resource that does not exist or is not a directory. */
class Ignorable extends SourceDecryptError {}

/** SourceDecrypt decrypts one sops document in `format` (input and output); `path` is relative to the root. */
export type SourceDecrypt = (data: Uint8Array, format: Format, path: string) => Promise<Uint8Array>;

export interface DecryptSourcesOptions {
  /** root is the artifact root (absolute); no source outside it is read. */
  root: string;
  /** dir is the directory of the kustomization to build (absolute, or relative to root). */
  dir: string;
  fs: FileSystem;
  decrypt: SourceDecrypt;
  /** maxFileSize defaults to MAX_ENCRYPTED_FILE_SIZE; 0 disables the limit. */
  maxFileSize?: number;
}

/** stripRoot makes a path relative to root when it is inside it (Flux `stripRoot`). */
function stripRoot(root: string, path: string): string {
  const r = posix.normalize(`/${root}`);
  let p = posix.normalize(`/${path}`);
  if (p === r) p = '/';
  else if (r !== '/' && p.startsWith(`${r}/`)) p = p.slice(r.length + 1);
  return posix.normalize(`./${p}`);
}

/**
 * securePaths scopes a path inside root as Flux's `securePaths` (securejoin) does: an absolute path inside root is
 * made relative first, and `..` cannot climb above the root (it stays at the root). Symlinks are not followed here;
 * the build's FileSystem refuses reads that resolve outside the root.
 */
export function securePaths(root: string, path: string): { abs: string; rel: string } {
  const p = posix.isAbsolute(path) ? stripRoot(root, path) : path;
  const rel = posix.normalize(`/${p}`).slice(1);
  return { abs: rel === '' ? root : `${root}/${rel}`, rel: rel === '' ? '.' : rel };
}

function isRemoteUrl(path: string): boolean {
  try {
    const u = new URL(path);
    return u.protocol !== '' && u.host !== '';
  } catch {
    return false;
  }
}

/** formatForKey is Flux's formatForPath: by extension, `.dockerconfigjson` as JSON, else binary. */
function formatForKey(key: string): Format {
  return key.endsWith('.dockerconfigjson') ? 'json' : formatForPath(key);
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

interface KustomizationFile {
  secretGenerator: { files: string[]; envs: string[] }[];
  patches: string[];
  resources: string[];
}

function loadKustomization(fs: FileSystem, root: string, rel: string): KustomizationFile {
  let found: string | undefined;
  for (const name of KUSTOMIZATION_FILES) {
    const { abs } = securePaths(root, posix.join(rel, name));
    if (fs.stat(abs) === undefined) continue;
    if (fs.stat(abs) !== 'file') throw new SourceDecryptError(`expected ${name} to be a regular file`);
    if (found !== undefined) throw new SourceDecryptError('found multiple kustomization files');
    found = abs;
  }
  if (found === undefined) throw new SourceDecryptError('no kustomization file found');
  let doc: unknown;
  try {
    doc = parse(Buffer.from(fs.readFile(found)).toString('utf8'));
  } catch (err) {
    throw new SourceDecryptError(
      `failed to unmarshal kustomization file from '${stripRoot(root, found)}': ${errorMessage(err)}`,
      { cause: err },
    );
  }
  const k = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  const generators = Array.isArray(k['secretGenerator']) ? (k['secretGenerator'] as unknown[]) : [];
  return {
    secretGenerator: generators.map((g) => {
      const gen = (typeof g === 'object' && g !== null ? g : {}) as Record<string, unknown>;
      return { files: strings(gen['files']), envs: strings(gen['envs']) };
    }),
    patches: (Array.isArray(k['patches']) ? (k['patches'] as unknown[]) : [])
      .map((p) => (typeof p === 'object' && p !== null ? (p as Record<string, unknown>)['path'] : undefined))
      .filter((p): p is string => typeof p === 'string' && p !== ''),
    resources: [...strings(k['resources']), ...strings(k['components'])],
  };
}

/**
 * decryptSources walks the kustomization in `dir` and, recursively, every local resource or component directory
 * with a kustomization file, and decrypts (Flux's rules):
 * - secretGenerator `files` (`[key=]path`): in the format the key's extension names (the key is the path when none
 *   is given), binary when it names none;
 * - secretGenerator `envs`: in the format of the file's extension, dotenv when it names none;
 * - `patches[].path` (not remote URLs): in the format of the file's extension.
 *
 * A source without the sops marker of that format is left as it is; one that does not exist, is not a file or is
 * larger than the limit fails. Sources are scoped inside the root (`..` stops at the root). Resources that do not
 * exist or are not directories are skipped (files or remote URLs); a resource directory without a kustomization
 * file fails. It returns the plaintext by absolute path, for `overlayFileSystem`; nothing is written anywhere.
 */
export async function decryptSources(options: DecryptSourcesOptions): Promise<Map<string, Uint8Array>> {
  const { root, fs } = options;
  const limit = options.maxFileSize ?? MAX_ENCRYPTED_FILE_SIZE;
  const decrypted = new Map<string, Uint8Array>();
  const visited = new Set<string>();

  const visitRef = async (dir: string, source: string, format: Format): Promise<void> => {
    const { abs, rel } = securePaths(root, posix.isAbsolute(source) ? source : posix.join(dir, source));
    if (decrypted.has(abs)) return;
    const kind = fs.stat(abs);
    if (kind === undefined) throw new SourceDecryptError(`lstat ${rel}: no such file or directory`);
    if (kind !== 'file') {
      throw new SourceDecryptError(`${rel}: cannot decrypt irregular file as it has file mode type bits set`);
    }
    let data: Uint8Array;
    try {
      data = fs.readFile(abs);
    } catch (err) {
      const why = errorMessage(err).includes('security;') ? 'resolves outside the root' : 'cannot be read';
      throw new SourceDecryptError(`${rel}: ${why}`, { cause: err });
    }
    if (limit > 0 && data.byteLength > limit) {
      throw new SourceDecryptError(
        `${rel}: cannot decrypt file with size (${data.byteLength} bytes) exceeding limit (${limit})`,
      );
    }
    if (!hasMarker(data, format)) return;
    try {
      decrypted.set(abs, await options.decrypt(data, format, rel));
    } catch (err) {
      throw new SourceDecryptError(`${rel}: ${errorMessage(err)}`, { cause: err });
    }
  };

  const recurse = async (path: string): Promise<void> => {
    const { abs, rel } = securePaths(root, path);
    if (visited.has(abs)) return;
    visited.add(abs);
    const kind = fs.stat(abs);
    if (kind === undefined) throw new Ignorable(`lstat ${rel}: no such file or directory`);
    if (kind !== 'dir') throw new Ignorable('not a directory');
    const k = loadKustomization(fs, root, rel);
    for (const gen of k.secretGenerator) {
      for (const src of gen.files) {
        const eq = src.indexOf('=');
        const key = eq < 0 ? src : src.slice(0, eq);
        await visitRef(rel, eq < 0 ? src : src.slice(eq + 1), formatForKey(key));
      }
      for (const env of gen.envs) {
        const format = formatForKey(env);
        await visitRef(rel, env, format === 'binary' ? 'dotenv' : format);
      }
    }
    for (const patch of k.patches) {
      if (!isRemoteUrl(patch)) await visitRef(rel, patch, formatForKey(patch));
    }
    for (const res of k.resources) {
      try {
        await recurse(posix.isAbsolute(res) ? res : posix.join(rel, res));
      } catch (err) {
        if (!(err instanceof Ignorable)) throw err;
      }
    }
  };

  const start = posix.isAbsolute(options.dir) ? options.dir : posix.join(root, options.dir);
  await recurse(start);
  return decrypted;
}

/** overlayFileSystem serves the given contents (absolute path → bytes) over `base`, in memory only. */
export function overlayFileSystem(base: FileSystem, files: ReadonlyMap<string, Uint8Array>): FileSystem {
  if (files.size === 0) return base;
  return {
    readFile: (p) => files.get(posix.resolve(p)) ?? base.readFile(p),
    stat: (p) => base.stat(p),
    readDir: (p) => base.readDir(p),
    ...(base.realPath ? { realPath: base.realPath.bind(base) } : {}),
  };
}
