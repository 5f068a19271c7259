// Public surface of fetchers/helm: Helm HTTP chart repositories (index and chart downloads).
export { HelmRepositoryError, isHelmRepositoryError, type HelmRepositoryErrorKind } from './errors.ts';
export { httpGet, redactUrl, type BasicAuth, type GetterOptions, type TlsMaterial } from './http.ts';
export { indexJson, parseIndex, type ChartVersion, type IndexFile } from './index-file.ts';
export {
  HelmRepositoryClient,
  MAX_CHART_SIZE,
  MAX_INDEX_SIZE,
  type FetchedIndex,
  type HelmRepositoryClientOptions,
} from './repository.ts';
export { selectChartVersion } from './select.ts';
export { indexURL, normalizeURL, resolveReferenceURL } from './url.ts';
