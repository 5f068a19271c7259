// Normalisation before apply (fluxcd/pkg ssa/normalize): the fixes Flux makes so a dry-run compares equal to what
// the server stores.
import type { KubeObject } from '../client/index.ts';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const podTemplatePaths: Record<string, readonly string[]> = {
  Pod: ['spec'],
  'apps/Deployment': ['spec', 'template', 'spec'],
  'apps/StatefulSet': ['spec', 'template', 'spec'],
  'apps/DaemonSet': ['spec', 'template', 'spec'],
  'apps/ReplicaSet': ['spec', 'template', 'spec'],
  'batch/Job': ['spec', 'template', 'spec'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

function at(obj: Json, path: readonly string[]): Json | undefined {
  let cur: unknown = obj;
  for (const p of path) cur = isMap(cur) ? cur[p] : undefined;
  return isMap(cur) ? cur : undefined;
}

function defaultProtocol(ports: unknown): void {
  if (!Array.isArray(ports)) return;
  for (const port of ports) if (isMap(port) && !port['protocol']) port['protocol'] = 'TCP';
}

/**
 * secretConverts tells whether stringData converts to a typed Secret, as Flux's normalisation requires before it
 * moves stringData into data: every value a string (null reads as ''). Otherwise Flux leaves the Secret as it is
 * and the apiserver rejects it (`cannot unmarshal number into Go struct field Secret.stringData of type string`);
 * nothing is stringified.
 */
function secretConverts(stringData: Json): boolean {
  return Object.values(stringData).every((v) => typeof v === 'string' || v === null);
}

/**
 * normalizeObject returns a copy ready to apply: Secret stringData moved into data (base64), the TCP default on
 * container and Service ports, no creationTimestamp, and no status except on CRDs (kstatus reads it there).
 */
export function normalizeObject(input: KubeObject): KubeObject {
  const obj = structuredClone(input);
  const group = (obj.apiVersion ?? '').includes('/') ? (obj.apiVersion ?? '').split('/')[0] : '';
  const gk = group ? `${group}/${obj.kind ?? ''}` : (obj.kind ?? '');
  const podPath = podTemplatePaths[gk];
  if (podPath) {
    const spec = at(obj, podPath);
    const containers = spec?.['containers'];
    if (Array.isArray(containers)) for (const c of containers) if (isMap(c)) defaultProtocol(c['ports']);
  }
  if (gk === 'Service') defaultProtocol(at(obj, ['spec'])?.['ports']);
  if (gk === 'Secret' && isMap(obj['stringData']) && secretConverts(obj['stringData'])) {
    const data: Json = isMap(obj['data']) ? obj['data'] : {};
    for (const [k, v] of Object.entries(obj['stringData'])) {
      data[k] = Buffer.from(typeof v === 'string' ? v : '', 'utf8').toString('base64');
    }
    obj['data'] = data;
    delete obj['stringData'];
  }
  delete obj.metadata.creationTimestamp;
  if (gk !== 'apiextensions.k8s.io/CustomResourceDefinition') delete obj.status;
  return obj;
}
