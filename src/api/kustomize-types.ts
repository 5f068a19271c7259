// Shared kustomize-shaped fields (fluxcd/pkg apis/kustomize) used by Kustomization and HelmRelease post-renderers.
import { s, type Infer } from './schema/dsl.ts';

/** selector picks resources by GVK, name, namespace (regular expressions) and label/annotation selectors. */
export const selector = s.object({
  group: s.string({ description: 'API group (regular expression).' }).optional(),
  version: s.string({ description: 'API version (regular expression).' }).optional(),
  kind: s.string({ description: 'Kind (regular expression).' }).optional(),
  namespace: s.string({ description: 'Namespace (regular expression).' }).optional(),
  name: s.string({ description: 'Name (regular expression).' }).optional(),
  annotationSelector: s.string({ description: 'Annotation selector expression.' }).optional(),
  labelSelector: s.string({ description: 'Label selector expression.' }).optional(),
});
/** Selector is kustomize.Selector. */
export type Selector = Infer<typeof selector>;

/** patch is a strategic-merge or JSON6902 patch with an optional target. */
export const patch = s.object({
  patch: s.string({ description: 'Strategic merge patch or JSON6902 operation list, inline.' }),
  target: selector.describe('Resources the patch applies to.').optional(),
});
/** Patch is kustomize.Patch. */
export type Patch = Infer<typeof patch>;

/** image overrides the name, tag or digest of a container image. */
export const image = s.object({
  name: s.string({ description: 'Image name to match in the manifests.' }),
  newName: s.string({ description: 'Replacement image name.' }).optional(),
  newTag: s.string({ description: 'Replacement tag.' }).optional(),
  digest: s.string({ description: 'Replacement digest; takes precedence over newTag.' }).optional(),
});
/** Image is kustomize.Image. */
export type Image = Infer<typeof image>;

/** customHealthCheck defines health with CEL expressions for a group or kind. */
export const customHealthCheck = s.object({
  apiVersion: s.string({ description: 'API version of the matched resources (its group is used).' }),
  kind: s.string({ description: 'Kind of the matched resources; all kinds of the group when omitted.' }).optional(),
  current: s.string({ description: 'CEL expression true when the resource is healthy.' }),
  inProgress: s.string({ description: 'CEL expression true while the resource is progressing.' }).optional(),
  failed: s.string({ description: 'CEL expression true when the resource has failed.' }).optional(),
});
/** CustomHealthCheck is one healthCheckExprs entry. */
export type CustomHealthCheck = Infer<typeof customHealthCheck>;

/** ignoreRule lists JSON pointers whose drift is ignored on the selected resources. */
export const ignoreRule = s.object({
  paths: s.array(s.string(), { description: 'JSON pointers (RFC 6901) to ignore.' }),
  target: selector.describe('Resources the rule applies to; all when omitted.').optional(),
});

/** inventory lists the objects a Kustomization or HelmRelease applied. */
export const inventory = s.object(
  {
    entries: s.array(
      s.object({
        id: s.string({ description: 'Object id <namespace>_<name>_<group>_<kind>.' }),
        v: s.string({ description: 'API version of the object.' }),
      }),
      { description: 'Applied objects.' },
    ),
  },
  { description: 'Objects last applied.' },
);
/** ResourceInventory is status.inventory. */
export type ResourceInventory = Infer<typeof inventory>;
