// Public surface of engines/helm: Helm v4.2.4's chart loading, values, rendering and manifest handling, pure
// (no cluster, no network; the filesystem behind ChartFileSystem).
export { helmTemplate, renderRelease, type TemplateOptions } from './action/template.ts';
export {
  renderChart,
  releaseCapabilities,
  checkInstallable,
  validateReleaseName,
  HelmError,
  ReleaseRenderError,
  type ReleaseContext,
  type RenderedRelease,
} from './action/render-chart.ts';
export { type ChartFileSystem, memoryChartFileSystem, nodeChartFileSystem } from './chart/fs.ts';
export { loadChart, loadArchive, loadDir, loadFiles, ChartLoadError } from './chart/load.ts';
export { Chart, type ChartFile, type Dependency, type Metadata } from './chart/types.ts';
export { processDependencies, isCompatibleRange } from './chart/dependencies.ts';
export { chartArchiveEntries, CHART_ARCHIVE_GZIP, type ArchiveEntry } from './chart/save.ts';
export { render, RenderError, type Lookup, type RenderOptions } from './render/engine.ts';
export { mergeValues, type ValueOptions, type ReadFile } from './values/options.ts';
export { coalesceTables, coalesceValues } from './values/coalesce.ts';
export { type Value, type ValueMap } from './values/value.ts';
export {
  sortManifests,
  splitManifests,
  INSTALL_ORDER,
  UNINSTALL_ORDER,
  type Hook,
  type Manifest,
} from './release/manifests.ts';
export {
  newRelease,
  hooksFor,
  startHook,
  finishHook,
  releaseJson,
  infoJson,
  hookJson,
  parseReleaseJson,
  encodeRelease,
  decodeRelease,
  ReleaseDecodeError,
  type Release,
  type ReleaseHook,
  type ReleaseInfo,
  type ReleaseStatus,
  type HookExecution,
  type HookPhase,
  type NewReleaseOptions,
} from './release/record.ts';
export {
  releaseSecret,
  releaseFromSecret,
  releaseSecretName,
  releaseSelector,
  RELEASE_SECRET_TYPE,
  SYSTEM_LABELS,
  ReleaseLabelError,
  type ReleaseSecret,
  type StoredSecret,
} from './release/storage.ts';
export { type GoTime, localTime, formatRfc3339Nano, parseRfc3339 } from './release/time.ts';
export { loadValues } from './values/load.ts';
export { DEFAULT_KUBE_VERSION, DEFAULT_API_VERSIONS, type Capabilities } from './render/capabilities.ts';
// Go's encoding/json and sigs.k8s.io/yaml as Helm reads and writes its own types (chart metadata, repository
// indexes): fetchers/helm decodes index.yaml with them.
export {
  decodeGoStruct,
  GoAny,
  GoBool,
  GoJsonTypeError,
  GoString,
  sigsTarget,
  type GoField,
  type GoType,
} from './chart/gojson.ts';
export { metadataJson } from './chart/json.ts';
export { ChartValidationError, METADATA, validateMetadata } from './chart/metadata.ts';
export { encodeGoJson } from './values/json-encode.ts';
export { goJsonString, parseGoJson } from './values/json.ts';
export { fromJs, toJs } from './values/value.ts';
export { yamlToJson, YamlToJsonError } from './yaml/decode.ts';
// Values as Helm reads and merges them (helm-controller composes spec.values and valuesFrom with them).
export { decodeValuesDocument, mergeMaps, ValuesError } from './values/load.ts';
export { parseInto, parseIntoString, parseLiteralInto, StrvalsError } from './values/strvals.ts';
