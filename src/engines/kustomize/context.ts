// What every step of a build shares: the options and state of one build (LoadOptions, Context), the load
// restrictor, and where a directory's kustomization file is. Its own module so that the steps (patches, plugins,
// transformer configurations, Flux's generated kustomization) need not import target.ts, which imports them.
import { posix } from 'node:path';

import type { Problems } from './errors.ts';
import type { Var } from './filters/vars.ts';
import { type FileSystem, withinRealRoot } from './fs.ts';
import { KUSTOMIZATION_FILES, type Kustomization } from './kustomization.ts';
import type { MergeSchema } from './merge/index.ts';
import type { TransformerConfig } from './transformer-config.ts';

/** LoadOptions control what a build may read. */
export interface LoadOptions {
  fs: FileSystem;
  /** Allow remote (git/http) resources; they are still not fetched by this engine, only reported. */
  allowRemote?: boolean;
  /** Flux's rule: a directory without a kustomization gets one listing every manifest below it. */
  generateMissing?: boolean;
  /**
   * env answers the keys of dotenv files that have no value (`KEY` alone): kustomize reads them from its process
   * environment; this engine reads only what the caller passes (none by default).
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * kustomize's load restrictor: `rootOnly` (the default, as `kustomize build`) reads files only in or below the
   * kustomization that names them; `none` (`--load-restrictor LoadRestrictionsNone`, what Flux's controller uses,
   * inside the source's root) reads them anywhere the file system allows.
   */
  loadRestrictions?: 'rootOnly' | 'none';
}

/** Context is the state of one build shared by every kustomization it loads. */
export interface Context extends LoadOptions {
  problems: Problems;
  stack: string[];
  /** schema is the strategic-merge schema an `openapi:` field set (else the built-in one). */
  schema?: MergeSchema;
  /** schemaSet: a kustomization of the build chose the schema; later `openapi:` fields are ignored. */
  schemaSet?: boolean;
  /**
   * builtinSchemaLoaded: an object whose type kustomize had to look up in its built-in schema was loaded, so
   * kustomize has that schema in memory and a custom one set later adds to it rather than replacing it.
   */
  builtinSchemaLoaded?: boolean;
  /** config is the transformer configuration of the kustomization being built (kustomize's accumulator's). */
  config?: TransformerConfig;
  /** vars is the accumulator's set of legacy `vars:` (bound to objects where declared, resolved at the end). */
  vars?: Var[];
  /** track is set when the root kustomization has buildMetadata: provenance is recorded relative to `root`. */
  track?: { root: string };
}

/** mayLoad is kustomize's load restrictor for a file a kustomization names (kustomization directories are free). */
export function mayLoad(ctx: Context, k: Kustomization, path: string): boolean {
  return ctx.loadRestrictions === 'none' || withinRealRoot(ctx.fs, k.dir, path);
}

/** findKustomization returns the kustomization file path in `dir`, or undefined. */
export function findKustomization(fs: FileSystem, dir: string): string | undefined {
  return kustomizationFiles(fs, dir)[0];
}

/** kustomizationFiles lists the kustomization files of `dir` (kustomize refuses more than one). */
export function kustomizationFiles(fs: FileSystem, dir: string): string[] {
  return KUSTOMIZATION_FILES.map((name) => posix.join(dir, name)).filter((p) => fs.stat(p) === 'file');
}
