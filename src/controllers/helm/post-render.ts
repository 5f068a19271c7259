// spec.postRenderers as helm-controller runs them (internal/postrender: a kustomize build per post-renderer, in
// order, of the rendered objects with the renderer's `patches` and `images`), fed as Helm v4 feeds a post-renderer:
// every document of the rendered files annotated with its file name, merged into one stream, post-rendered, then
// split back into files by that annotation (removed again). `postRenderStrategy` says which documents go through:
// `combined` (the default, Helm 4's): templates and hooks in one stream; `separate`: templates in one stream and
// each hook document in its own; `nohooks` (Helm 3's): templates only. The digest of the post-renderers is
// status.observedPostRenderersDigest; a change upgrades the release.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';

import { isMap, parseAllDocuments, type Document } from 'yaml';

import type { HelmRelease } from '../../api/index.ts';
import { build, memoryFileSystem } from '../../engines/kustomize/index.ts';
import { encodeGoJson, fromJs } from '../../engines/helm/index.ts';
import { FluxtsError } from '../../util/errors.ts';

/** FILENAME_ANNOTATION carries a document's file through the post-renderer (Helm v4's annotation). */
export const FILENAME_ANNOTATION = 'postrenderer.helm.sh/postrender-filename';

/** PostRenderError is a post-renderer that failed (a patch that does not apply, an invalid document). */
export class PostRenderError extends FluxtsError {}

type PostRenderers = NonNullable<HelmRelease['spec']['postRenderers']>;
export type PostRenderStrategy = 'combined' | 'separate' | 'nohooks';

/** postRenderersDigest is the sha256 of the post-renderers' JSON (empty when there are none). */
export function postRenderersDigest(renderers: HelmRelease['spec']['postRenderers']): string {
  if (!renderers?.length) return '';
  const json = encodeGoJson(fromJs(renderers));
  return `sha256:${createHash('sha256').update(json).digest('hex')}`;
}

interface Doc {
  file: string;
  doc: Document;
}

const isHook = (d: Document): boolean => d.getIn(['metadata', 'annotations', 'helm.sh/hook']) !== undefined;

function docsOf(file: string, content: string): Doc[] {
  // Helm skips partials and empty files when it merges the stream.
  if (posix.basename(file).startsWith('_') || content.trim() === '') return [];
  const out: Doc[] = [];
  for (const doc of parseAllDocuments(content)) {
    if (doc.errors.length > 0) throw new PostRenderError(`parsing ${file}: ${doc.errors[0]!.message}`);
    if (doc.contents === null) continue;
    out.push({ file, doc });
  }
  return out;
}

/** runKustomize builds the stream with one post-renderer's patches and images. */
function runKustomize(stream: string, renderer: PostRenderers[number]): string {
  const k = renderer.kustomize;
  if (!k || (!k.patches?.length && !k.images?.length)) return stream;
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['helm-output.yaml'],
    ...(k.patches?.length ? { patches: k.patches } : {}),
    ...(k.images?.length ? { images: k.images } : {}),
  };
  const fs = memoryFileSystem({
    '/post-render/kustomization.yaml': JSON.stringify(kustomization),
    '/post-render/helm-output.yaml': stream,
  });
  try {
    return build('/post-render', { fs }).yaml;
  } catch (err) {
    throw new PostRenderError(`kustomize build failed: ${(err as Error).message}`, { cause: err });
  }
}

/** renderStream annotates the documents, runs every post-renderer and splits the result back by file. */
function renderStream(docs: readonly Doc[], renderers: PostRenderers): Doc[] {
  if (docs.length === 0) return [];
  const stream = docs
    .map(({ file, doc }) => {
      const copy = doc.clone();
      copy.setIn(['metadata', 'annotations', FILENAME_ANNOTATION], file);
      return copy.toString();
    })
    .join('---\n');
  let out = stream;
  for (const r of renderers) out = runKustomize(out, r);
  return docsOf('post-rendered', out).map(({ doc }, i) => {
    const file = doc.getIn(['metadata', 'annotations', FILENAME_ANNOTATION]);
    doc.deleteIn(['metadata', 'annotations', FILENAME_ANNOTATION]);
    const annotations = doc.getIn(['metadata', 'annotations']);
    if (isMap(annotations) && annotations.items.length === 0) doc.deleteIn(['metadata', 'annotations']);
    return { file: typeof file === 'string' && file ? file : `generated-by-postrender-${i}.yaml`, doc };
  });
}

/**
 * postRenderer returns the engine's post-render step for the HelmRelease's post-renderers and strategy, or
 * undefined when there are none.
 */
export function postRenderer(
  renderers: HelmRelease['spec']['postRenderers'],
  strategy: PostRenderStrategy = 'combined',
): ((files: Map<string, string>) => Map<string, string>) | undefined {
  if (!renderers?.length) return undefined;
  return (files) => {
    const all = [...files.keys()].sort().flatMap((f) => docsOf(f, files.get(f)!));
    const hooks = all.filter((d) => isHook(d.doc));
    const templates = all.filter((d) => !isHook(d.doc));
    let rendered: Doc[];
    if (strategy === 'combined') rendered = renderStream(all, renderers);
    else if (strategy === 'separate') {
      rendered = [...renderStream(templates, renderers), ...hooks.flatMap((h) => renderStream([h], renderers))];
    } else rendered = [...renderStream(templates, renderers), ...hooks];
    const out = new Map<string, string>();
    for (const { file, doc } of rendered) {
      const text = doc.toString();
      const before = out.get(file);
      out.set(file, before === undefined ? text : `${before}---\n${text}`);
    }
    return out;
  };
}
