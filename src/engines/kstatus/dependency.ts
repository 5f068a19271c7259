import type { CelExpression } from '../cel/index.ts';
import type { KubeObject } from './types.ts';

export interface DependencyInput {
  /** self is the Kustomization that declares `dependsOn`, as JSON. */
  self: KubeObject;
  /** dep is the dependency as read from the API server (uncached, as Flux reads it). */
  dep: KubeObject;
  /** readyExpr is the entry's compiled `readyExpr` (see compileReadyExpr), if any. */
  readyExpr?: CelExpression;
  /** sourceRevision is the revision of the artifact `self` is about to apply (undefined: no artifact). */
  sourceRevision: string | undefined;
  /** additiveCEL is the `AdditiveCELDependencyCheck` gate: readyExpr adds to the built-in check instead of replacing it. */
  additiveCEL?: boolean;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * dependencyNotReady is kustomize-controller's `checkDependencies` for one resolved dependency: the reason it is
 * not ready, worded as Flux's (`dependency 'flux-system/infra' is not ready`), or undefined when it is ready. A
 * readyExpr evaluation error throws (CelEvaluationError), which Flux reports as not ready and retries.
 */
export function dependencyNotReady(input: DependencyInput): string | undefined {
  const { self, dep } = input;
  const depMeta = obj(dep['metadata']);
  const depName = `'${str(depMeta['namespace'])}/${str(depMeta['name'])}'`;
  if (input.readyExpr) {
    if (!input.readyExpr.evaluateBoolean({ self, dep })) {
      return `dependency ${depName} is not ready according to readyExpr eval`;
    }
    if (!input.additiveCEL) return undefined;
  }
  const status = obj(dep['status']);
  const conditions = Array.isArray(status['conditions']) ? (status['conditions'] as unknown[]).map(obj) : [];
  const generation = typeof depMeta['generation'] === 'number' ? depMeta['generation'] : 0;
  const observed = typeof status['observedGeneration'] === 'number' ? status['observedGeneration'] : 0;
  if (conditions.length === 0 || generation !== observed) return `dependency ${depName} is not ready`;
  if (!conditions.some((c) => c['type'] === 'Ready' && c['status'] === 'True'))
    return `dependency ${depName} is not ready`;
  const depSource = obj(obj(dep['spec'])['sourceRef']);
  const selfSource = obj(obj(self['spec'])['sourceRef']);
  const depSourceNs = str(depSource['namespace']) || str(depMeta['namespace']);
  const selfSourceNs = str(selfSource['namespace']) || str(obj(self['metadata'])['namespace']);
  const sameSource =
    str(depSource['name']) === str(selfSource['name']) &&
    depSourceNs === selfSourceNs &&
    str(depSource['kind']) === str(selfSource['kind']);
  if (
    sameSource &&
    (input.sourceRevision === undefined || input.sourceRevision !== str(status['lastAppliedRevision']))
  ) {
    return `dependency ${depName} revision is not up to date`;
  }
  return undefined;
}
