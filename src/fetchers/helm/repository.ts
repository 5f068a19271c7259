// One Helm HTTP repository as source-controller's ChartRepository uses it: fetch the index (size-capped), digest
// its bytes for the revision, and download chart packages from the URLs its entries name.
import { createHash } from 'node:crypto';

import { httpGet, type GetterOptions } from './http.ts';
import { parseIndex, type ChartVersion, type IndexFile } from './index-file.ts';
import { HelmRepositoryError } from './errors.ts';
import { indexURL, resolveReferenceURL } from './url.ts';

/** MAX_INDEX_SIZE is `--helm-index-max-size`'s default (50 MiB); MAX_CHART_SIZE `--helm-chart-max-size` (10 MiB). */
export const MAX_INDEX_SIZE = 50 << 20;
export const MAX_CHART_SIZE = 10 << 20;

/** FetchedIndex is an index as downloaded: its bytes, their sha256 digest (the revision) and the parsed index. */
export interface FetchedIndex {
  bytes: Buffer;
  /** digest is `sha256:<hex>` of the downloaded bytes. */
  digest: string;
}

/** HelmRepositoryClientOptions are the getter's options plus the size caps. */
export interface HelmRepositoryClientOptions extends GetterOptions {
  maxIndexBytes?: number;
  maxChartBytes?: number;
}

/** HelmRepositoryClient fetches from one repository (`repositoryUrl`, as written in the spec). */
export class HelmRepositoryClient {
  readonly url: string;
  readonly #opts: HelmRepositoryClientOptions;

  constructor(opts: HelmRepositoryClientOptions) {
    this.url = opts.repositoryUrl;
    this.#opts = opts;
  }

  /** fetchIndex downloads `<url>/index.yaml`; the bytes are returned unparsed (parse with parseIndex). */
  async fetchIndex(signal?: AbortSignal): Promise<FetchedIndex> {
    const bytes = await httpGet(indexURL(this.url), this.#opts, {
      maxBytes: this.#opts.maxIndexBytes ?? MAX_INDEX_SIZE,
      what: 'index',
      ...(signal ? { signal } : {}),
    });
    return { bytes, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
  }

  /** loadIndex fetches and parses the index. */
  async loadIndex(signal?: AbortSignal): Promise<IndexFile> {
    return parseIndex((await this.fetchIndex(signal)).bytes);
  }

  /** downloadChart downloads the package of an index entry (its first URL, as Flux does). */
  async downloadChart(chart: ChartVersion, signal?: AbortSignal): Promise<Buffer> {
    const ref = chart.urls[0];
    if (ref === undefined) throw new HelmRepositoryError('reference', `chart '${chart.name}' has no downloadable URLs`);
    return httpGet(resolveReferenceURL(this.url, ref), this.#opts, {
      maxBytes: this.#opts.maxChartBytes ?? MAX_CHART_SIZE,
      what: 'chart',
      ...(signal ? { signal } : {}),
    });
  }
}
