// Flux's kustomization.yaml generation (fluxcd/pkg kustomize `kustomize_generator.go`): the spec's overlay fields
// (targetNamespace, namePrefix/Suffix, patches, images, components, buildMetadata) written into the kustomization
// file of the path, which is generated first when the directory has none.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';

import { parseAllDocuments, parseDocument, stringify } from 'yaml';

import { Reason, type Kustomization } from '../../../api/index.ts';
import { StepError } from '../../../runtime/index.ts';

/** KUSTOMIZATION_FILES are the names kustomize looks for. */
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

type Json = Record<string, unknown>;
type ImageEntry = { name: string; newName?: string; newTag?: string; digest?: string };

/** securePath joins `path` to the artifact root and refuses anything that leaves it. */
export function securePath(root: string, path: string | undefined): string {
  const rel = posix.normalize(`/${path ?? ''}`);
  return join(root, rel);
}

/**
 * listManifests is Flux's rule for a directory without a kustomization file: every `.yaml`/`.yml` file below it
 * that parses as YAML, and every sub-directory with its own kustomization file (not descended into). The same rule
 * as `engines/kustomize/flux.ts`, which the build applies when no overlay has to be written.
 */
function listManifests(root: string, dir: string): string[] {
  const dirs: string[] = [];
  const files: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = statSync(p);
      if (st.isDirectory()) {
        if (KUSTOMIZATION_FILES.some((k) => existsSync(join(p, k)))) dirs.push(r);
        else walk(p, r);
      } else if (st.isFile() && (name.endsWith('.yaml') || name.endsWith('.yml'))) {
        const bad = parseAllDocuments(readFileSync(p, 'utf8')).flatMap((doc) => doc.errors);
        if (bad.length > 0) {
          const where = posix.relative(root, p);
          throw new StepError(Reason.BuildFailed, `${where}: failed to decode Kubernetes YAML: ${bad[0]!.message}`);
        }
        files.push(r);
      }
    }
  };
  walk(dir, '');
  return [...dirs, ...files];
}

/** hasOverlay reports whether the spec changes the kustomization file at all. */
function hasOverlay(spec: Kustomization['spec']): boolean {
  return Boolean(
    spec.targetNamespace ||
    spec.namePrefix ||
    spec.nameSuffix ||
    spec.patches?.length ||
    spec.images?.length ||
    spec.components?.length ||
    spec.buildMetadata?.length,
  );
}

function mergeImages(existing: unknown, images: readonly ImageEntry[]): ImageEntry[] {
  const out: ImageEntry[] = Array.isArray(existing) ? (existing as ImageEntry[]).map((i) => ({ ...i })) : [];
  for (const img of images) {
    const at = out.findIndex((i) => i.name === img.name);
    if (at < 0) {
      out.push({ ...img });
      continue;
    }
    const merged = { ...out[at]! };
    if (img.newName) merged.newName = img.newName;
    // newTag and digest replace each other as a unit, as Flux's generator does.
    if (img.newTag || img.digest) {
      delete merged.newTag;
      delete merged.digest;
      if (img.newTag) merged.newTag = img.newTag;
      if (img.digest) merged.digest = img.digest;
    }
    out[at] = merged;
  }
  return out;
}

/**
 * prepareKustomization checks the path, generates a kustomization file when the directory has none and the spec
 * needs one, and writes the spec's overlay into it. Returns the directory to build. Works on the extracted
 * artifact (a private temp copy), so the source is never touched.
 */
export function prepareKustomization(root: string, ks: Kustomization): string {
  const spec = ks.spec;
  const dir = securePath(root, spec.path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new StepError(Reason.ArtifactFailed, `kustomization path not found: ${spec.path ?? '.'}`);
  }
  if (!hasOverlay(spec)) return dir;
  const fileName = KUSTOMIZATION_FILES.find((n) => existsSync(join(dir, n)));
  let data: Json;
  let file: string;
  if (fileName) {
    file = join(dir, fileName);
    const doc = parseDocument(readFileSync(file, 'utf8'));
    if (doc.errors.length > 0) {
      throw new StepError(Reason.BuildFailed, `${posix.join(spec.path ?? '.', fileName)}: ${doc.errors[0]!.message}`);
    }
    data = (doc.toJS() ?? {}) as Json;
    if (!Array.isArray(data['resources']) && !Array.isArray(data['components'])) {
      // An otherwise empty file would make kustomize fail with "kustomization.yaml is empty".
      data['buildMetadata'] ??= ['originAnnotations'];
    }
  } else {
    file = join(dir, 'kustomization.yaml');
    data = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: listManifests(root, dir),
    };
  }
  if (spec.targetNamespace) data['namespace'] = spec.targetNamespace;
  if (spec.namePrefix) data['namePrefix'] = spec.namePrefix;
  if (spec.nameSuffix) data['nameSuffix'] = spec.nameSuffix;
  if (spec.patches?.length) data['patches'] = [...((data['patches'] as unknown[]) ?? []), ...spec.patches];
  if (spec.images?.length) data['images'] = mergeImages(data['images'], spec.images);
  if (spec.buildMetadata?.length) data['buildMetadata'] = spec.buildMetadata;
  if (spec.components?.length) {
    const components: string[] = [];
    for (const c of spec.components) {
      if (isAbsolute(c) || /^[a-z]+:\/\//.test(c) || c.startsWith('git@')) {
        throw new StepError(Reason.BuildFailed, `component path '${c}' must be local and relative`);
      }
      if (spec.ignoreMissingComponents && !existsSync(join(dir, c))) continue;
      components.push(c);
    }
    data['components'] = [...((data['components'] as string[]) ?? []), ...components];
  }
  writeFileSync(file, stringify(data));
  return dir;
}
