/**
 * engines/kustomize: `kustomize build` in TypeScript, pure (no cluster, no network), filesystem behind an interface.
 *
 * @example
 *   import { build, nodeFileSystem } from './engines/kustomize/index.ts';
 *   process.stdout.write(build('overlays/prod', { fs: nodeFileSystem }).yaml);
 */
export { build, type BuildResult } from './build.ts';
export { type Diagnostic, formatDiagnostic, KustomizeBuildError } from './errors.ts';
export { type FileSystem, memoryFileSystem, nodeFileSystem } from './fs.ts';
export { Resource } from './resource.ts';
export type { LoadOptions } from './context.ts';
export { Problems } from './errors.ts';
export { generateKustomization } from './flux.ts';
export { KUSTOMIZATION_FILES } from './kustomization.ts';
export { isClusterScoped } from './config.ts';
export type { Context } from './context.ts';
export { parseLabelSelector } from './selector.ts';
export { anchoredRe2 } from './regex.ts';
// The go-yaml v2 emitter over plain values; engines/helm's toYaml uses it until the shared engines/goyaml lands.
export { emitDocument, type Value as EmitValue } from './yaml/emit.ts';
