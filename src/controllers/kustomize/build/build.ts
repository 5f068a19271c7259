// Step "build": SOPS decryption of the sources (secretGenerator files and envs, patches), kustomize build of the
// prepared path, then per resource SOPS decryption and post-build substitution, as kustomize-controller does
// (flux-api.md §4.3 step 7).
import { realpathSync } from 'node:fs';
import { posix } from 'node:path';

import { stringify } from 'yaml';

import { Reason, type Kustomization } from '../../../api/index.ts';
import {
  collectVariables,
  type JsonObject,
  substituteResource,
  SubstitutionError,
  yamlToJson,
} from '../../../engines/envsubst/index.ts';
import { build, KustomizeBuildError, nodeFileSystem, type FileSystem } from '../../../engines/kustomize/index.ts';
import { isNotFound, type KubeClient, type KubeObject } from '../../../kube/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import type { Decryptor } from './decrypt.ts';
import { overlayFileSystem } from './decrypt-sources.ts';
import { StepError } from '../../../runtime/index.ts';

/**
 * rootedFileSystem refuses every read outside the artifact root (Flux builds on a secure FS), by path and, for
 * file contents, after resolving symlinks.
 */
export function rootedFileSystem(root: string): FileSystem {
  const within = (abs: string, r: string): boolean => abs === r || abs.startsWith(`${r}/`);
  const inside = (p: string): boolean => within(posix.resolve(p), root);
  let realRoot: string | undefined;
  const realInside = (p: string): boolean => {
    let real: string;
    try {
      realRoot ??= realpathSync.native(root);
      real = realpathSync.native(p);
    } catch {
      return true; // missing: the read below reports it
    }
    return within(real, realRoot);
  };
  return {
    readFile(p) {
      if (!inside(p) || !realInside(p)) throw new Error(`security; file '${p}' is not in or below '${root}'`);
      return nodeFileSystem.readFile(p);
    },
    stat: (p) => (inside(p) ? nodeFileSystem.stat(p) : undefined),
    readDir: (p) => (inside(p) ? nodeFileSystem.readDir(p) : []),
    realPath: (p) => nodeFileSystem.realPath?.(p) ?? p,
  };
}

/** splitDocuments splits `kustomize build` output into one YAML text per resource. */
export function splitDocuments(yaml: string): string[] {
  return yaml
    .split(/^---\n/m)
    .map((d) => d)
    .filter((d) => d.trim() !== '');
}

/** readVariables fetches postBuild.substituteFrom (uncached) and merges it with postBuild.substitute. */
export async function readVariables(client: KubeClient, ks: Kustomization): Promise<Map<string, string>> {
  const postBuild = ks.spec.postBuild;
  const namespace = ks.metadata.namespace ?? '';
  const sources = [];
  for (const ref of postBuild?.substituteFrom ?? []) {
    let data: Record<string, string> | undefined;
    try {
      const obj = await client.get({ apiVersion: 'v1', kind: ref.kind }, { namespace, name: ref.name });
      data = (obj['data'] ?? {}) as Record<string, string>;
    } catch (err) {
      if (!isNotFound(err)) {
        throw new StepError(
          Reason.BuildFailed,
          `substitute from '${ref.kind}/${ref.name}' error: ${errorMessage(err)}`,
          {
            cause: err,
          },
        );
      }
    }
    sources.push({ ref: { kind: ref.kind, name: ref.name, ...(ref.optional ? { optional: true } : {}) }, data });
  }
  try {
    return collectVariables(sources, postBuild?.substitute ?? {});
  } catch (err) {
    throw new StepError(Reason.BuildFailed, errorMessage(err), { cause: err });
  }
}

/** BuildInput is what the build step needs besides the prepared directory. */
export interface BuildInput {
  root: string;
  dir: string;
  ks: Kustomization;
  allowRemote: boolean;
  /** vars are the post-build variables, or undefined when spec.postBuild is unset. */
  vars: Map<string, string> | undefined;
  strict: boolean;
  decrypt: Decryptor;
}

/** buildObjects runs the build and returns the objects to apply, in kustomize's output order. */
export async function buildObjects(input: BuildInput): Promise<KubeObject[]> {
  const { root, ks } = input;
  const relative = (msg: string): string => msg.split(`${root}/`).join('').split(root).join('.');
  let fs = rootedFileSystem(root);
  // Decrypted sources stay in memory: the build reads them through an overlay, never from disk.
  if (input.decrypt.sources) fs = overlayFileSystem(fs, await input.decrypt.sources(fs, root, input.dir, ks));
  let yaml: string;
  try {
    // As Flux's controller: files may come from anywhere in the source (the rooted file system keeps reads inside
    // it), not only from below each kustomization (kustomize's LoadRestrictionsNone).
    yaml = build(input.dir, {
      fs,
      generateMissing: true,
      allowRemote: input.allowRemote,
      loadRestrictions: 'none',
      // A dotenv key without a value reads the controller's environment, as kustomize in Flux's controller does.
      env: process.env,
    }).yaml;
  } catch (err) {
    if (err instanceof KustomizeBuildError) {
      throw new StepError(Reason.BuildFailed, relative(err.message), { cause: err });
    }
    throw new StepError(Reason.BuildFailed, `kustomize build failed: ${relative(errorMessage(err))}`, { cause: err });
  }
  const texts = splitDocuments(yaml);
  let objects: JsonObject[];
  try {
    objects = texts.map((text) => yamlToJson(text) as JsonObject);
  } catch (err) {
    throw new StepError(Reason.BuildFailed, `kustomize build output could not be read: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  const decrypted = await input.decrypt(objects as unknown as KubeObject[], ks);
  if (!input.vars) return decrypted;
  const out: KubeObject[] = [];
  const always = ks.spec.postBuild?.substituteStrategy === 'Always';
  for (let i = 0; i < decrypted.length; i++) {
    const obj = decrypted[i]!;
    // Substitution runs on the YAML text kustomize printed (so `${REPLICAS}` re-reads as a number); a decrypted
    // object has no such text and is printed again.
    const text = obj === (objects[i] as unknown) ? texts[i]! : stringify(obj);
    try {
      const r = substituteResource(text, input.vars, {
        strict: input.strict,
        always,
        ...(text === texts[i] ? { object: obj as unknown as JsonObject } : {}),
      });
      out.push(r.object as unknown as KubeObject);
    } catch (err) {
      if (err instanceof SubstitutionError) throw new StepError(Reason.BuildFailed, err.message, { cause: err });
      throw err;
    }
  }
  return out;
}
