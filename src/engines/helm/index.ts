// Public surface of engines/helm: Helm v4.2.4's chart loading, values, rendering and manifest handling, pure
// (no cluster, no network; the filesystem behind ChartFileSystem).
export {
  helmTemplate,
  renderRelease,
  HelmError,
  validateReleaseName,
  type TemplateOptions,
  type RenderedRelease,
} from './action/template.ts';
export { type ChartFileSystem, memoryChartFileSystem, nodeChartFileSystem } from './chart/fs.ts';
export { loadChart, loadArchive, loadDir, loadFiles, ChartLoadError } from './chart/load.ts';
export { Chart, type ChartFile, type Dependency, type Metadata } from './chart/types.ts';
export { processDependencies, isCompatibleRange } from './chart/dependencies.ts';
export { render, RenderError, type Lookup, type RenderOptions } from './render/engine.ts';
export { mergeValues, type ValueOptions } from './values/options.ts';
export { coalesceValues } from './values/coalesce.ts';
export { type Value, type ValueMap } from './values/value.ts';
export {
  sortManifests,
  splitManifests,
  INSTALL_ORDER,
  UNINSTALL_ORDER,
  type Hook,
  type Manifest,
} from './release/manifests.ts';
