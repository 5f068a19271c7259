// One Flux kind = one call of defineKind: the schema nodes give the TypeScript types, the same nodes render the CRD.
import { applyDefaults } from './schema/defaults.ts';
import type { Node } from './schema/dsl.ts';
import { canonicalSchema, type OpenAPISchema } from './schema/openapi.ts';

/**
 * ObjectMeta is the part of metav1.ObjectMeta that Flux objects carry, in its JSON wire form. A type alias (not an
 * interface) so objects fit the kube client's index-signature types.
 */
export type ObjectMeta = {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }[];
  managedFields?: unknown[];
};

/** PrinterColumn is one additionalPrinterColumns entry (`kubectl get` output). */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'date' | 'integer' | 'number' | 'boolean';
  jsonPath: string;
  description?: string;
  priority?: number;
}

/** CustomResourceDefinition is an apiextensions.k8s.io/v1 CRD as plain JSON. */
export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories: string[];
    };
    scope: 'Namespaced';
    versions: {
      name: string;
      served: true;
      storage: true;
      additionalPrinterColumns: PrinterColumn[];
      schema: { openAPIV3Schema: OpenAPISchema };
      subresources?: { status: Record<string, never> };
    }[];
  };
}

/** KindOptions describes one Flux kind; spec and status are schema nodes. */
export interface KindOptions<G extends string, V extends string, K extends string, Spec, Status> {
  group: G;
  version: V;
  kind: K;
  plural: string;
  shortNames?: string[];
  categories: string[];
  /** controller is the Flux controller that owns the kind (used in the CRD's component label). */
  controller: string;
  description: string;
  printerColumns: PrinterColumn[];
  spec: Node<Spec, boolean>;
  /** status is omitted for the static kinds (Alert, Provider): their CRD has no status and no status subresource. */
  status?: Node<Status, boolean>;
  /** specOptional allows objects without spec (ExternalArtifact); every other kind requires one. */
  specOptional?: boolean;
}

/** FluxObject is the TypeScript type of a Flux custom resource (a type alias, see ObjectMeta). */
export type FluxObject<AV extends string = string, K extends string = string, Spec = unknown, Status = unknown> = {
  apiVersion: AV;
  kind: K;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
};

/** FluxKind is a defined kind: identity, root schema, CRD, and defaulting. */
export interface FluxKind<G extends string, V extends string, K extends string, Spec, Status> {
  readonly group: G;
  readonly version: V;
  readonly kind: K;
  readonly apiVersion: `${G}/${V}`;
  readonly plural: string;
  readonly options: KindOptions<G, V, K, Spec, Status>;
  /** schema is the openAPIV3Schema of the kind (root object). */
  readonly schema: OpenAPISchema;
  crd(): CustomResourceDefinition;
  /** withDefaults returns a copy of `obj` with the CRD defaults applied, as the apiserver would store it. */
  withDefaults(obj: FluxObject<`${G}/${V}`, K, Spec, Status>): FluxObject<`${G}/${V}`, K, Spec, Status>;
}

/** AnyFluxKind is any defined kind. */
// The spec/status parameters are erased here: callers that need them use ObjectOfKind on a concrete kind.
export type AnyFluxKind = FluxKind<string, string, string, unknown, unknown>;

/** ObjectOfKind is the object type of a defined kind: `type GitRepository = ObjectOfKind<typeof GitRepositoryKind>`. */
export type ObjectOfKind<D> =
  D extends FluxKind<infer G, infer V, infer K, infer Spec, infer Status>
    ? FluxObject<`${G}/${V}`, K, Spec, Status>
    : never;

const READY = '.status.conditions[?(@.type=="Ready")]';

/** columns holds the printer columns Flux declares again and again. */
export const columns = {
  age: { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ready: { name: 'Ready', type: 'string', jsonPath: `${READY}.status` },
  status: { name: 'Status', type: 'string', jsonPath: `${READY}.message` },
} as const satisfies Record<string, PrinterColumn>;

function rootSchema(options: KindOptions<string, string, string, unknown, unknown>): OpenAPISchema {
  const properties: Record<string, OpenAPISchema> = {
    apiVersion: { type: 'string', description: 'Versioned schema of this representation of the object.' },
    kind: { type: 'string', description: 'REST resource this object represents, in CamelCase.' },
    metadata: { type: 'object' },
    spec: options.spec.openapi,
  };
  if (options.status !== undefined) {
    // Flux defaults status.observedGeneration to -1 so "never reconciled" differs from generation 0.
    const tracksGeneration = options.status.openapi.properties?.['observedGeneration'] !== undefined;
    properties['status'] = tracksGeneration
      ? { ...options.status.openapi, default: { observedGeneration: -1 } }
      : options.status.openapi;
  }
  return {
    description: options.description,
    type: 'object',
    properties,
    ...(options.specOptional === true ? {} : { required: ['spec'] }),
  };
}

/**
 * defineKind turns the description of one kind into its identity, CRD and defaulting helper.
 *
 * @example export const GitRepositoryKind = defineKind({ group: 'source.toolkit.fluxcd.io', version: 'v1', … });
 */
export function defineKind<G extends string, V extends string, K extends string, Spec, Status = never>(
  options: KindOptions<G, V, K, Spec, Status>,
): FluxKind<G, V, K, Spec, Status> {
  const schema = rootSchema(options);
  const specSchema = options.spec.openapi;
  const statusSchema = options.status?.openapi;
  return {
    group: options.group,
    version: options.version,
    kind: options.kind,
    apiVersion: `${options.group}/${options.version}`,
    plural: options.plural,
    options,
    schema,
    crd: () => renderCrd(options, schema),
    withDefaults(obj) {
      const out = structuredClone(obj);
      out.spec = applyDefaults(specSchema, out.spec);
      if (out.status !== undefined && statusSchema !== undefined) out.status = applyDefaults(statusSchema, out.status);
      return out;
    },
  };
}

/** KindFamily is what the kinds of one API group and version, owned by one controller, have in common. */
export interface KindFamily<G extends string, V extends string> {
  group: G;
  version: V;
  categories: string[];
  controller: string;
}

/**
 * kindFamily returns a defineKind for one family of kinds, so that each kind states only what is its own.
 *
 * @example const defineSourceKind = kindFamily({ group: 'source.toolkit.fluxcd.io', version: 'v1', … });
 */
export function kindFamily<G extends string, V extends string>(family: KindFamily<G, V>) {
  return <K extends string, Spec, Status = never>(
    options: Omit<KindOptions<G, V, K, Spec, Status>, keyof KindFamily<G, V>>,
  ): FluxKind<G, V, K, Spec, Status> => defineKind<G, V, K, Spec, Status>({ ...family, ...options });
}

function renderCrd(
  options: KindOptions<string, string, string, unknown, unknown>,
  schema: OpenAPISchema,
): CustomResourceDefinition {
  const singular = options.kind.toLowerCase();
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${options.plural}.${options.group}`,
      labels: { 'app.kubernetes.io/component': options.controller, 'app.kubernetes.io/part-of': 'flux' },
      annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' },
    },
    spec: {
      group: options.group,
      names: {
        kind: options.kind,
        listKind: `${options.kind}List`,
        plural: options.plural,
        singular,
        ...(options.shortNames !== undefined && options.shortNames.length > 0
          ? { shortNames: options.shortNames }
          : {}),
        categories: options.categories,
      },
      scope: 'Namespaced',
      versions: [
        {
          name: options.version,
          served: true,
          storage: true,
          additionalPrinterColumns: options.printerColumns.map((c) => ({ ...c })),
          schema: { openAPIV3Schema: canonicalSchema(schema) },
          ...(options.status !== undefined ? { subresources: { status: {} } } : {}),
        },
      ],
    },
  };
}
