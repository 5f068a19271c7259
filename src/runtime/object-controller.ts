import type { KubeObject, TypeRef } from '../kube/client/index.ts';
import type { Controller } from './controller.ts';
import type { FluxObject } from './flux-object.ts';
import type { Informer } from './informer.ts';
import type { Manager } from './manager.ts';
import { objectReconciler, type ObjectReconcilerSpec } from './shape.ts';
import type { IndexFunc } from './store.ts';
import { addWatch, type Watch } from './watches.ts';

/** ObjectControllerSpec is one kind's controller as data: indexes, watches and the reconcile pipeline. */
export interface ObjectControllerSpec<T extends FluxObject> extends Omit<
  ObjectReconcilerSpec<T>,
  'manager' | 'informer'
> {
  /** name is the controller's log name, e.g. `gitrepository`. */
  name: string;
  type: TypeRef;
  /** indexes of the kind's informer, by name (the watches look objects up through them). */
  indexes?: Readonly<Record<string, IndexFunc<T>>>;
  /** watches say which changes of other objects requeue which objects of this kind. */
  watches?: readonly Watch[];
}

/** ObjectController is what addObjectController wired: the controller, its informer and the watched informers. */
export interface ObjectController<T extends FluxObject> {
  controller: Controller<T>;
  informer: Informer<T>;
  /** watched holds the informer of each watch, in the order of `spec.watches` (a reconciler may read them). */
  watched: Informer<KubeObject>[];
}

/**
 * addObjectController registers one kind's controller on the manager: its informer with the indexes, the one
 * reconcile shape (shape.ts) around the pipeline, and the watches.
 *
 * @example
 *   addObjectController<GitRepository>(manager, { name: 'gitrepository', type, reconcile: (obj, ctx) => … });
 */
export function addObjectController<T extends FluxObject>(
  manager: Manager,
  spec: ObjectControllerSpec<T>,
): ObjectController<T> {
  const informer = manager.informerFor<T>(spec.type);
  for (const [name, fn] of Object.entries(spec.indexes ?? {})) informer.addIndex(name, fn);
  const controller = manager.addController<T>({
    name: spec.name,
    type: spec.type,
    reconcile: objectReconciler<T>({ ...spec, manager, informer }),
  });
  const watched = (spec.watches ?? []).map((watch) => addWatch(manager, controller, watch));
  return { controller, informer, watched };
}
