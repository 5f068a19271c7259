// spec.dependsOn, as every consumer kind has it (Kustomization, HelmRelease): each listed object of the same kind
// must be Ready, and, on the same source, at the same revision; a readyExpr replaces (or, with
// AdditiveCELDependencyCheck, adds to) that rule (flux-api.md §2.4, KC `checkDependencies`).
import { Reason } from '../../api/index.ts';
import type { CelExpression } from '../../engines/cel/index.ts';
import { compileReadyExpr, dependencyNotReady } from '../../engines/kstatus/index.ts';
import { isNotFound, type KubeClient, type KubeObject, type TypeRef } from '../../kube/index.ts';
import { StepError } from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { compileOrTerminal } from './config-error.ts';

/** Dependency is one `spec.dependsOn` entry (meta.DependencyReference). */
export interface Dependency {
  name: string;
  namespace?: string;
  readyExpr?: string;
}

/** compileReadyExprs compiles every readyExpr up front; an invalid one is a terminal configuration error. */
export function compileReadyExprs(dependsOn: readonly Dependency[] | undefined): (CelExpression | undefined)[] {
  return (dependsOn ?? []).map((dep) => {
    const expr = dep.readyExpr;
    if (!expr) return undefined;
    return compileOrTerminal(() => compileReadyExpr(expr, dep.name), Reason.InvalidCELExpression);
  });
}

/** DependencyCheck says how to read and judge the dependencies. */
export interface DependencyCheck {
  /** type of the dependencies: the consumer's own kind. */
  type: TypeRef;
  readyExprs: readonly (CelExpression | undefined)[];
  /** sourceRevision is the consumer's source revision: a dependency on the same source must have applied it. */
  sourceRevision: string | undefined;
  noCrossNamespaceRefs: boolean;
  additiveCEL: boolean;
}

/**
 * checkDependencies reads each dependency uncached and throws DependencyNotReady with Flux's message for the first
 * one that is missing or not ready.
 */
export async function checkDependencies(
  client: KubeClient,
  consumer: KubeObject,
  dependsOn: readonly Dependency[] | undefined,
  check: DependencyCheck,
): Promise<void> {
  const ownNs = consumer.metadata.namespace ?? '';
  const deps = dependsOn ?? [];
  for (let i = 0; i < deps.length; i++) {
    const dep = deps[i]!;
    const namespace = dep.namespace || ownNs;
    const name = `'${namespace}/${dep.name}'`;
    if (check.noCrossNamespaceRefs && namespace !== ownNs) {
      throw new StepError(
        Reason.DependencyNotReady,
        `dependency ${name} is in another namespace, cross-namespace references have been blocked`,
      );
    }
    let live: KubeObject;
    try {
      live = await client.get(check.type, { namespace, name: dep.name });
    } catch (err) {
      const why = isNotFound(err) ? 'not found' : errorMessage(err);
      throw new StepError(Reason.DependencyNotReady, `dependency ${name}: ${why}`, { cause: err });
    }
    let reason: string | undefined;
    try {
      const expr = check.readyExprs[i];
      reason = dependencyNotReady({
        self: consumer,
        dep: live,
        ...(expr ? { readyExpr: expr } : {}),
        sourceRevision: check.sourceRevision,
        additiveCEL: check.additiveCEL,
      });
    } catch (err) {
      reason = `dependency ${name} readyExpr evaluation failed: ${errorMessage(err)}`;
    }
    if (reason !== undefined) throw new StepError(Reason.DependencyNotReady, reason);
  }
}

/** dependencyKeys are the `namespace/name` index values of an object's dependencies, for the dependants watch. */
export function dependencyKeys(consumer: KubeObject, dependsOn: readonly Dependency[] | undefined): string[] {
  return (dependsOn ?? []).map((d) => `${d.namespace || consumer.metadata.namespace || ''}/${d.name}`);
}
