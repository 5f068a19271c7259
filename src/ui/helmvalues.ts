// The values of each stored revision of a HelmRelease's Helm release (the user-supplied `config` of the release
// records in the storage Secrets), for the values diff. Values are not Secret data, but values that came from a
// `valuesFrom` Secret are: every path such a Secret sets (its values document's leaves, or its targetPath) is
// replaced by "***" in every revision before anything leaves the server. The Secrets are read only to learn those
// paths, with the requesting user's identity (as the storage Secrets are).
import { stringify } from 'yaml';

import { composeValues, kubeValuesReader, ReleaseStorage } from '../controllers/helm/index.ts';
import { toJs, type ValueMap } from '../engines/helm/index.ts';
import type { KubeClient, KubeObject } from '../kube/index.ts';
import { helmReleaseView } from './helmrelease.ts';

/** MASK replaces a value that came from a Secret. */
export const MASK = '***';

/** RevisionValues is one stored revision's values as YAML, masked. */
export interface RevisionValues {
  version: number;
  status: string;
  values: string;
}

/** ValuesView is every stored revision's values, newest first, and the paths masked in them. */
export interface ValuesView {
  release: string;
  revisions: RevisionValues[];
  masked: string[];
}

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** leafPaths lists the paths of a values tree's leaves (a list is a leaf: Secrets replace lists whole). */
export function leafPaths(v: unknown, prefix: string[] = []): string[][] {
  if (!isMap(v)) return prefix.length ? [prefix] : [];
  return Object.entries(v).flatMap(([k, e]) => leafPaths(e, [...prefix, k]));
}

/** maskPaths replaces the value at each path (when present) with MASK, on a copy. */
export function maskPaths(values: unknown, paths: string[][]): unknown {
  const copy = structuredClone(values);
  for (const path of paths) {
    let node: unknown = copy;
    for (const [i, key] of path.entries()) {
      if (!isMap(node) || !(key in node)) break;
      if (i === path.length - 1) node[key] = MASK;
      else node = node[key];
    }
  }
  return copy;
}

/** secretPaths is where the HelmRelease's valuesFrom Secrets put values (missing Secrets set nothing). */
async function secretPaths(client: KubeClient, hr: KubeObject): Promise<string[][]> {
  const spec = isMap(hr.spec) ? hr.spec : {};
  const refs = (Array.isArray(spec['valuesFrom']) ? spec['valuesFrom'] : [])
    .filter((r): r is Json => isMap(r) && r['kind'] === 'Secret' && typeof r['name'] === 'string')
    .map((r) => ({ ...(r as { kind: string; name: string }), optional: true }));
  if (refs.length === 0) return [];
  const composed: ValueMap = await composeValues(
    hr.metadata.namespace ?? '',
    refs,
    undefined,
    kubeValuesReader(client),
  );
  return leafPaths(toJs(composed));
}

/** helmValuesView reads every stored revision of the release and masks what came from Secrets. */
export async function helmValuesView(client: KubeClient, hr: KubeObject): Promise<ValuesView> {
  const view = helmReleaseView(hr);
  const [storageNamespace = '', name = ''] = view.release.split('/');
  const [releases, paths] = await Promise.all([
    new ReleaseStorage(client, storageNamespace).history(name),
    secretPaths(client, hr),
  ]);
  return {
    release: view.release,
    masked: paths.map((p) => p.join('.')),
    revisions: releases.reverse().map((r) => ({
      version: r.version,
      status: r.info.status,
      values: r.config.size === 0 ? '' : stringify(maskPaths(toJs(r.config), paths)),
    })),
  };
}
