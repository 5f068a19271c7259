import { posix } from 'node:path';

import { Problems } from './errors.ts';
import { isLink } from './fs.ts';
import { type Kustomization } from './kustomization.ts';
import { parseResources } from './parse.ts';
import { YAMLMap } from 'yaml';
import { findKustomization, type Context } from './context.ts';
import { decodeYaml } from './yaml/limits.ts';

/**
 * generateKustomization is Flux's rule for a directory without a kustomization file (kustomize-controller's
 * generator): list every `.yaml`/`.yml` file below it that decodes as Kubernetes objects, and every
 * sub-directory that has its own kustomization (without descending into it). Linked directories are skipped.
 */
export function generateKustomization(ctx: Context, dir: string): Kustomization | undefined {
  const dirs: string[] = [];
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const name of ctx.fs.readDir(d).sort()) {
      const p = posix.join(d, name);
      const kind = ctx.fs.stat(p);
      // Like Flux's walk, a linked directory is not entered: two links to "." would make it exponential.
      if (kind === 'dir' && isLink(ctx.fs, p)) continue;
      if (kind === 'dir') {
        if (findKustomization(ctx.fs, p)) dirs.push(p);
        else walk(p);
      } else if (kind === 'file' && (name.endsWith('.yaml') || name.endsWith('.yml'))) {
        const probe = new Problems();
        parseResources(decodeYaml(ctx.fs.readFile(p), p, probe), p, probe);
        if (!probe.empty) {
          ctx.problems.add(p, `failed to decode Kubernetes YAML: ${probe.list[0]?.message ?? ''}`);
          continue;
        }
        files.push(p);
      }
    }
  };
  walk(dir);
  const resources = [...dirs, ...files].map((p) => posix.relative(dir, p));
  return {
    file: posix.join(dir, 'kustomization.yaml'),
    dir,
    kind: 'Kustomization',
    node: new YAMLMap(),
    data: { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources },
  };
}
