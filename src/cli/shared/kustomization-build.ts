// The local Kustomization build that `fluxts build kustomization` prints and `fluxts diff kustomization` dry-runs:
// the build kustomize-controller would run for a Kustomization, done on a local directory (flux v2.9's
// `flux build kustomization`: sigs.k8s.io/yaml documents, each followed by `---`, in kustomize's FIFO order, owner
// labels stamped, SOPS data masked).
// The local directory is never written: the Kustomization's overlay goes into a private copy of its kustomization
// file, which a layered filesystem puts in place for the build, so `../base` references still resolve.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative, resolve } from 'node:path';

import { parseAllDocuments, parseDocument, stringify } from 'yaml';

import type { Kustomization } from '../../api/index.ts';
import type { JsonObject } from '../../engines/envsubst/index.ts';
import type { FileSystem } from '../../engines/kustomize/index.ts';
import { isNotFound, type KubeClient, type KubeObject } from '../../kube/index.ts';
import { ownerLabels } from '../../kube/ssa/index.ts';
import { errorMessage, FluxtsError } from '../../util/errors.ts';
import type { YamlValue } from '../commands/create/index.ts';
import { CliClusterError, CliInputError } from './errors.ts';

/**
 * loadEngines imports the build machinery when a build runs, so that registering the command costs other fluxts
 * commands nothing (about 200 ms of module loading).
 */
async function loadEngines() {
  const [controller, envsubst, kustomize, sourceignore, goyaml] = await Promise.all([
    import('../../controllers/kustomize/build/index.ts'),
    import('../../engines/envsubst/index.ts'),
    import('../../engines/kustomize/index.ts'),
    import('../../engines/sourceignore/index.ts'),
    import('../../engines/goyaml/index.ts'),
  ]);
  return {
    readVariables: controller.readVariables,
    splitDocuments: controller.splitDocuments,
    prepareKustomization: controller.prepareKustomization,
    collectVariables: envsubst.collectVariables,
    substituteResource: envsubst.substituteResource,
    yamlToJson: envsubst.yamlToJson,
    kustomizeBuild: kustomize.build,
    nodeFileSystem: kustomize.nodeFileSystem,
    Problems: kustomize.Problems,
    generateKustomization: kustomize.generateKustomization,
    KUSTOMIZATION_FILES: kustomize.KUSTOMIZATION_FILES,
    IgnoreMatcher: sourceignore.IgnoreMatcher,
    readPatterns: sourceignore.readPatterns,
    marshalYaml: goyaml.marshalSigsYaml,
  };
}

/** Engines is the lazily loaded build machinery. */
export type Engines = Awaited<ReturnType<typeof loadEngines>>;

let loaded: Promise<Engines> | undefined;

/** engines loads the build machinery once. */
export function engines(): Promise<Engines> {
  loaded ??= loadEngines();
  return loaded;
}

/** KS_TYPE addresses Kustomizations in the cluster. */
export const KS_TYPE = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;

/** CliBuildError is a build that failed: generating the kustomization, kustomize itself, or substitution. */
export class CliBuildError extends FluxtsError {}

/** BuildRequest is what `build kustomization` and `diff kustomization` need to build. */
export interface BuildRequest {
  name: string;
  namespace: string;
  path: string;
  kustomizationFile?: string | undefined;
  /** dryRun never contacts the cluster (requires kustomizationFile); substituteFrom is skipped. */
  dryRun?: boolean;
  ignorePaths?: readonly string[];
  strictSubstitute?: boolean;
  /** client is required unless dryRun. */
  client?: KubeClient | undefined;
  /** recursive also builds the Kustomizations the build contains (`--recursive`), from `localSources`. */
  recursive?: boolean;
  /** localSources maps `Kind/namespace/name` of a nested Kustomization's source to a local directory. */
  localSources?: Readonly<Record<string, string>>;
  /** single builds only this Kustomization even when recursive (diff recurses itself, per object). */
  single?: boolean;
  /** fallback is used when the cluster has no Kustomization of that name (a nested one not yet applied). */
  fallback?: Kustomization | undefined;
  /** ignoreNotFound builds from kustomizationFile when the cluster has no such Kustomization (diff). */
  ignoreNotFound?: boolean;
}

/** BuildOutput is the built objects and the Kustomization they were built for (status merged from the cluster). */
export interface BuildOutput {
  objects: KubeObject[];
  kustomization: Kustomization;
}

/** validateBuildRequest checks the flags as flux does before anything is read; throws CliInputError. */
export function validateBuildRequest(req: BuildRequest): void {
  if (!req.path) {
    throw new CliInputError(`invalid resource path ""`, { hint: 'pass --path with the local directory to build' });
  }
  if (!existsSync(req.path) || !statSync(req.path).isDirectory()) {
    throw new CliInputError(`invalid resource path "${req.path}"`, { hint: '--path must be an existing directory' });
  }
  if (req.dryRun && !req.kustomizationFile) {
    throw new CliInputError('dry-run mode requires a kustomization file', {
      hint: 'pass --kustomization-file with the Flux Kustomization YAML',
    });
  }
  if (req.ignoreNotFound && !req.kustomizationFile) {
    throw new CliInputError('kustomization file is required when assuming new kustomizations', {
      hint: 'pass --kustomization-file with the Flux Kustomization YAML, or drop --ignore-not-found',
    });
  }
  if (req.kustomizationFile) {
    if (!existsSync(req.kustomizationFile) || statSync(req.kustomizationFile).isDirectory()) {
      throw new CliInputError(`invalid kustomization file "${req.kustomizationFile}"`, {
        hint: '--kustomization-file must be a readable file',
      });
    }
  }
}

/** readKustomizationFile finds the Kustomization NAME (namespace matching or unset) in a multi-document file. */
export function readKustomizationFile(file: string, name: string, namespace: string): Kustomization {
  let docs;
  try {
    docs = parseAllDocuments(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliInputError(`failed to read kustomization file ${file}: ${errorMessage(err)}`, { cause: err });
  }
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) {
      throw new CliInputError(`failed to unmarshall kustomization file ${file}: ${doc.errors[0]!.message}`);
    }
    const obj = doc.toJS() as Partial<Kustomization> | null;
    if (!obj || typeof obj !== 'object') continue;
    if (
      typeof obj.apiVersion === 'string' &&
      obj.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/') &&
      obj.kind === 'Kustomization' &&
      obj.metadata?.name === name &&
      (obj.metadata.namespace === namespace || !obj.metadata.namespace)
    ) {
      return { ...obj, metadata: { ...obj.metadata }, spec: obj.spec ?? {} } as Kustomization;
    }
  }
  throw new CliInputError(
    `failed find kustomization with name '${name}' and namespace '${namespace}' in file '${file}'`,
    { hint: 'check the name and -n/--namespace against the file' },
  );
}

async function liveKustomization(
  client: KubeClient,
  name: string,
  namespace: string,
  missingOk = false,
): Promise<Kustomization | undefined> {
  try {
    return await client.get<Kustomization>(KS_TYPE, { namespace, name });
  } catch (err) {
    if (isNotFound(err) && missingOk) return undefined;
    if (isNotFound(err)) {
      throw new CliInputError(`failed to get kustomization object: Kustomization '${namespace}/${name}' not found`, {
        cause: err,
        hint: `check the name and namespace (-n), or build from a file with --kustomization-file … --dry-run`,
      });
    }
    throw err;
  }
}

/** ignoringFileSystem hides the paths matching gitignore-style patterns relative to `dir` (--ignore-paths). */
function ignoringFileSystem(e: Engines, dir: string, patterns: readonly string[]): FileSystem {
  const { nodeFileSystem } = e;
  if (patterns.length === 0) return nodeFileSystem;
  // Flux joins the flag's entries with newlines and reads them as a .sourceignore file.
  const matcher = new e.IgnoreMatcher(e.readPatterns(patterns.join('\n')));
  const hidden = (p: string, isDir: boolean): boolean => {
    const rel = posix.relative(dir, p);
    if (!rel || rel.startsWith('..')) return false;
    return matcher.excludes(rel.split('/'), isDir);
  };
  return {
    readFile: (p) => nodeFileSystem.readFile(p),
    stat(p) {
      const kind = nodeFileSystem.stat(p);
      return kind && hidden(p, kind === 'dir') ? undefined : kind;
    },
    readDir: (p) =>
      nodeFileSystem.readDir(p).filter((n) => {
        const child = posix.join(p, n);
        return !hidden(child, nodeFileSystem.stat(child) === 'dir');
      }),
    ...(nodeFileSystem.realPath === undefined ? {} : { realPath: (p: string) => nodeFileSystem.realPath?.(p) ?? p }),
  };
}

/** layeredFileSystem serves the given files from memory and everything else from the disk. */
function layeredFileSystem(e: Engines, files: ReadonlyMap<string, Uint8Array>): FileSystem {
  const { nodeFileSystem } = e;
  return {
    readFile: (p) => files.get(posix.resolve(p)) ?? nodeFileSystem.readFile(p),
    stat: (p) => (files.has(posix.resolve(p)) ? 'file' : nodeFileSystem.stat(p)),
    readDir(p) {
      const names = new Set(nodeFileSystem.readDir(p));
      for (const f of files.keys()) if (posix.dirname(f) === posix.resolve(p)) names.add(posix.basename(f));
      return [...names];
    },
    realPath: (p) => (files.has(posix.resolve(p)) ? posix.resolve(p) : (nodeFileSystem.realPath?.(p) ?? p)),
  };
}

/**
 * overlayKustomizationFile returns the kustomization file the controller would build `dir` with: generated when
 * missing, the Kustomization's spec written into it (the controller's own generate step, run on a private copy),
 * and kustomize's FIFO order made explicit, because Flux builds without kustomize's legacy reordering.
 */
function overlayKustomizationFile(e: Engines, dir: string, ks: Kustomization, ignorePaths: readonly string[]) {
  const { KUSTOMIZATION_FILES, Problems, generateKustomization, prepareKustomization } = e;
  const work = mkdtempSync(join(tmpdir(), 'fluxts-build-'));
  try {
    const copy = join(work, 'src');
    cpSync(dir, copy, { recursive: true, filter: (src) => !src.endsWith('/.git') });
    let fileName = KUSTOMIZATION_FILES.find((n) => existsSync(join(dir, n)));
    if (!fileName) {
      const problems = new Problems();
      const ctx = { fs: ignoringFileSystem(e, copy, ignorePaths), problems, stack: [] };
      const generated = generateKustomization(ctx, copy);
      if (!problems.empty || !generated) {
        const detail = problems.list.map((p) => `${relative(copy, p.file)}: ${p.message}`).join('; ');
        throw new CliBuildError(`failed to generate kustomization.yaml: ${detail}`);
      }
      fileName = 'kustomization.yaml';
      writeFileSync(join(copy, fileName), stringify(generated.data));
    }
    try {
      prepareKustomization(copy, { ...ks, spec: { ...ks.spec, path: '.' } });
    } catch (err) {
      throw new CliBuildError(`failed to generate kustomization.yaml: ${errorMessage(err)}`, { cause: err });
    }
    const doc = parseDocument(readFileSync(join(copy, fileName), 'utf8'));
    if (doc.errors.length === 0 && !doc.has('sortOptions')) doc.set('sortOptions', { order: 'fifo' });
    return { path: posix.join(resolve(dir), fileName), text: doc.toString() };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** SOPS_MASK replaces SOPS-encrypted values in what build prints, as flux build does. */
const SOPS_MASK = '**SOPS**';
const SOPS_MASK_B64 = Buffer.from(SOPS_MASK).toString('base64');
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * maskSops hides SOPS-encrypted Secret values as flux build does (the CLI never decrypts): a Secret with a sops
 * block has every value replaced by `**SOPS**` (a `{"mask":"**SOPS**"}` JSON for dockerconfigjson Secrets);
 * otherwise single values that are SOPS documents are; any other object just loses its top-level `sops` field.
 */
export function maskSops(obj: KubeObject): KubeObject {
  const out = structuredClone(obj) as KubeObject & Record<string, unknown>;
  if (obj.kind !== 'Secret') {
    delete out['sops'];
    return out;
  }
  const data = isMap(out['data']) ? (out['data'] as Record<string, string>) : undefined;
  const stringData = isMap(out['stringData']) ? (out['stringData'] as Record<string, string>) : undefined;
  const sops = out['sops'];
  const encrypted = isMap(sops) && typeof sops['mac'] === 'string' && sops['mac'].startsWith('ENC[');
  const isSopsValue = (v: string): boolean => v.includes('sops') && v.includes('ENC[');
  if (encrypted) {
    delete out['sops'];
    const json = JSON.stringify({ mask: SOPS_MASK });
    const docker = (out['type'] ?? 'Opaque') === 'kubernetes.io/dockerconfigjson';
    for (const k of Object.keys(data ?? {})) data![k] = docker ? Buffer.from(json).toString('base64') : SOPS_MASK_B64;
    for (const k of Object.keys(stringData ?? {})) stringData![k] = docker ? json : SOPS_MASK;
  } else {
    for (const [k, v] of Object.entries(data ?? {})) {
      if (isSopsValue(Buffer.from(String(v), 'base64').toString('utf8'))) data![k] = SOPS_MASK_B64;
    }
    for (const [k, v] of Object.entries(stringData ?? {})) if (isSopsValue(String(v))) stringData![k] = SOPS_MASK_B64;
  }
  return out;
}

/** stampBuildMetadata sets the owner labels, then commonMetadata over them, in flux build's order. */
function stampBuildMetadata(obj: KubeObject, ks: Kustomization): KubeObject {
  const common = ks.spec.commonMetadata;
  const owner = ownerLabels(ks.metadata.name ?? '', ks.metadata.namespace ?? '');
  const metadata = { ...obj.metadata, labels: { ...(obj.metadata.labels ?? {}), ...owner, ...(common?.labels ?? {}) } };
  if (common?.annotations) metadata.annotations = { ...(metadata.annotations ?? {}), ...common.annotations };
  return { ...obj, metadata };
}

/**
 * buildKustomization runs the controller's build for a local directory: read the Kustomization (cluster or file),
 * generate and overlay the kustomization file, kustomize build, post-build substitution (substituteFrom read from
 * the cluster unless dryRun), then owner labels, SOPS masking and commonMetadata.
 */
export async function buildKustomization(req: BuildRequest): Promise<BuildOutput> {
  if (!req.fallback) validateBuildRequest(req);
  let ks: Kustomization;
  // Like flux, a live run needs the Kustomization in the cluster even with --kustomization-file: the file's spec
  // wins, the live status (its inventory) is kept for diff. A nested Kustomization (fallback) or --ignore-not-found
  // may be missing from the cluster.
  let live: Kustomization | undefined;
  if (!req.dryRun) {
    if (!req.client) throw new CliClusterError('a cluster connection is required without --dry-run');
    const missingOk = req.fallback !== undefined || req.ignoreNotFound === true;
    live = (await liveKustomization(req.client, req.name, req.namespace, missingOk)) ?? req.fallback;
  } else {
    live = req.fallback;
  }
  if (req.kustomizationFile) {
    ks = readKustomizationFile(req.kustomizationFile, req.name, req.namespace);
    if (!req.dryRun && live?.status?.inventory) ks = { ...ks, status: structuredClone(live.status) };
  } else if (live) {
    ks = live;
  } else {
    throw new CliInputError(
      `failed to get kustomization object: Kustomization '${req.namespace}/${req.name}' not found`,
    );
  }
  const built = await buildOne(req, ks);
  if (!req.recursive || req.single) return built;
  const nested: KubeObject[] = [];
  for (const obj of built.objects) {
    if (!isKustomizationObject(obj)) continue;
    const child = obj as unknown as Kustomization;
    if (child.metadata.name === ks.metadata.name && child.metadata.namespace === ks.metadata.namespace) continue;
    const sub = await buildKustomization({
      name: child.metadata.name ?? '',
      namespace: child.metadata.namespace ?? '',
      path: nestedPath(child, req.localSources ?? {}),
      dryRun: req.dryRun ?? false,
      ignorePaths: req.ignorePaths ?? [],
      strictSubstitute: req.strictSubstitute ?? false,
      client: req.client,
      recursive: true,
      localSources: req.localSources ?? {},
      fallback: child,
    });
    nested.push(...sub.objects);
  }
  return { objects: [...built.objects, ...nested], kustomization: ks };
}

/** isKustomizationObject: a built object that is a Flux Kustomization (any version of the group). */
export function isKustomizationObject(obj: KubeObject): boolean {
  return (obj.apiVersion ?? '').startsWith('kustomize.toolkit.fluxcd.io/') && obj.kind === 'Kustomization';
}

/**
 * nestedPath is where a nested Kustomization's manifests are on disk: its source's `Kind/namespace/name` (namespace
 * defaulting to the Kustomization's) looked up in --local-sources, joined with its spec.path.
 */
export function nestedPath(child: Kustomization, localSources: Readonly<Record<string, string>>): string {
  const ref = child.spec.sourceRef;
  const ns = ref?.namespace || child.metadata.namespace || '';
  const key = ns ? `${ref?.kind ?? ''}/${ns}/${ref?.name ?? ''}` : `${ref?.kind ?? ''}/${ref?.name ?? ''}`;
  const local = localSources[key];
  if (local === undefined) {
    throw new CliInputError(`cannot get local path for ${key} of kustomization ${child.metadata.name ?? ''}`, {
      hint: `pass --local-sources ${key}=<local directory of that source>`,
    });
  }
  return join(local, child.spec.path ?? '');
}

async function buildOne(req: BuildRequest, ks: Kustomization): Promise<BuildOutput> {
  const e = await engines();
  const { collectVariables, kustomizeBuild, readVariables, splitDocuments, substituteResource, yamlToJson } = e;
  const dir = resolve(req.path);
  const overlay = overlayKustomizationFile(e, dir, ks, req.ignorePaths ?? []);
  let yaml: string;
  try {
    const fs = layeredFileSystem(e, new Map([[overlay.path, new TextEncoder().encode(overlay.text)]]));
    yaml = kustomizeBuild(dir, { fs, allowRemote: false, env: process.env }).yaml;
  } catch (err) {
    throw new CliBuildError(`kustomize build failed: ${errorMessage(err)}`, { cause: err });
  }
  const texts = splitDocuments(yaml);
  let objects = texts.map((t) => yamlToJson(t) as JsonObject as unknown as KubeObject);
  const postBuild = ks.spec.postBuild;
  if (postBuild) {
    let vars: Map<string, string>;
    try {
      vars =
        req.dryRun || !req.client
          ? collectVariables([], postBuild.substitute ?? {})
          : await readVariables(req.client, ks);
    } catch (err) {
      throw new CliBuildError(`var substitution failed: ${errorMessage(err)}`, { cause: err });
    }
    const always = postBuild.substituteStrategy === 'Always';
    objects = objects.map((obj, i) => {
      try {
        const r = substituteResource(texts[i]!, vars, {
          strict: req.strictSubstitute ?? false,
          always,
          object: obj as unknown as JsonObject,
        });
        return r.object as unknown as KubeObject;
      } catch (err) {
        throw new CliBuildError(`var substitution failed for '${obj.metadata.name ?? ''}': ${errorMessage(err)}`, {
          cause: err,
        });
      }
    });
  }
  return { objects: objects.map((o) => stampBuildMetadata(maskSops(o), ks)), kustomization: ks };
}

/** renderObjects prints objects as flux does (ssa `ObjectsToYAML`): each document followed by `---`. */
export async function renderObjects(objects: readonly KubeObject[]): Promise<string> {
  const { marshalYaml } = await engines();
  return objects.map((o) => `${marshalYaml(o as unknown as YamlValue)}---\n`).join('');
}

/** hasSopsMask says whether a built Secret carries values flux build masked (SOPS-encrypted in the source). */
export function hasSopsMask(obj: KubeObject): boolean {
  const values = [obj['data'], obj['stringData']].flatMap((m) => (isMap(m) ? Object.values(m) : []));
  return values.some((v) => {
    const s = String(v);
    return s.includes(SOPS_MASK) || Buffer.from(s, 'base64').toString('utf8').includes(SOPS_MASK);
  });
}
