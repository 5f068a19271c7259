import { posix } from 'node:path';

import { ensureMap, scalar, setField } from '../nodes.ts';
import type { Resource } from '../resource.ts';

/**
 * addOriginAnnotations is `buildMetadata: [originAnnotations]`: each object records where it came from, as a
 * file path relative to the kustomization being built, or for generated objects the kustomization and generator.
 */
export function addOriginAnnotations(resources: readonly Resource[], root: string): void {
  for (const r of resources) {
    const rel = posix.relative(root, r.file);
    const text = r.generator
      ? `configuredIn: ${rel}\nconfiguredBy:\n  apiVersion: builtin\n  kind: ${r.kind}Generator\n`
      : `path: ${rel}\n`;
    setField(ensureMap(ensureMap(r.node, 'metadata'), 'annotations'), 'config.kubernetes.io/origin', scalar(text));
  }
}
