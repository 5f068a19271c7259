// Step "dependsOn": every listed Kustomization must be Ready (and, on the same source, at the same revision).
import { Reason, type Kustomization } from '../../api/index.ts';
import type { CelExpression } from '../../engines/cel/index.ts';
import { compileReadyExpr, dependencyNotReady } from '../../engines/kstatus/index.ts';
import { isNotFound, type KubeClient, type KubeObject } from '../../kube/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { StepError } from './errors.ts';
import { kustomizationType } from './kind.ts';

/** compileReadyExprs compiles every dependsOn readyExpr up front; an invalid one is a terminal configuration error. */
export function compileReadyExprs(ks: Kustomization): (CelExpression | undefined)[] {
  return (ks.spec.dependsOn ?? []).map((dep) => {
    if (!dep.readyExpr) return undefined;
    try {
      return compileReadyExpr(dep.readyExpr, dep.name);
    } catch (err) {
      throw new StepError(
        Reason.InvalidCELExpression,
        `Reconciliation failed terminally due to configuration error: ${errorMessage(err)}`,
        { cause: err, terminal: true },
      );
    }
  });
}

/**
 * checkDependencies reads each dependency uncached and throws DependencyNotReady with Flux's message for the first
 * one that is missing or not ready (kustomize-controller `checkDependencies`).
 */
export async function checkDependencies(
  client: KubeClient,
  ks: Kustomization,
  readyExprs: readonly (CelExpression | undefined)[],
  opts: { sourceRevision: string | undefined; noCrossNamespaceRefs: boolean; additiveCEL: boolean },
): Promise<void> {
  const ownNs = ks.metadata.namespace ?? '';
  const deps = ks.spec.dependsOn ?? [];
  for (let i = 0; i < deps.length; i++) {
    const dep = deps[i]!;
    const namespace = dep.namespace || ownNs;
    const name = `'${namespace}/${dep.name}'`;
    if (opts.noCrossNamespaceRefs && namespace !== ownNs) {
      throw new StepError(
        Reason.DependencyNotReady,
        `dependency ${name} is in another namespace, cross-namespace references have been blocked`,
      );
    }
    let live: KubeObject;
    try {
      live = await client.get(kustomizationType, { namespace, name: dep.name });
    } catch (err) {
      const why = isNotFound(err) ? 'not found' : errorMessage(err);
      throw new StepError(Reason.DependencyNotReady, `dependency ${name}: ${why}`, { cause: err });
    }
    let reason: string | undefined;
    try {
      const expr = readyExprs[i];
      reason = dependencyNotReady({
        self: ks,
        dep: live,
        ...(expr ? { readyExpr: expr } : {}),
        sourceRevision: opts.sourceRevision,
        additiveCEL: opts.additiveCEL,
      });
    } catch (err) {
      reason = `dependency ${name} readyExpr evaluation failed: ${errorMessage(err)}`;
    }
    if (reason !== undefined) throw new StepError(Reason.DependencyNotReady, reason);
  }
}
