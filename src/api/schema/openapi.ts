// The subset of Kubernetes' JSONSchemaProps (apiextensions.k8s.io/v1) that Flux's CRDs use, as plain JSON.

/** CelRule is one x-kubernetes-validations entry: a CEL expression that must hold for the value it sits on. */
export interface CelRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

/** JsonValue is any value JSON can carry. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** OpenAPISchema is one node of a CRD's openAPIV3Schema. Keys are written in this order by the CRD renderer. */
export interface OpenAPISchema {
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  enum?: JsonValue[];
  pattern?: string;
  default?: JsonValue;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  properties?: Record<string, OpenAPISchema>;
  required?: string[];
  additionalProperties?: OpenAPISchema | boolean;
  items?: OpenAPISchema;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: CelRule[];
}

/** KEY_ORDER is the order in which schema keys are written, so the YAML reads like controller-gen's output. */
const KEY_ORDER: readonly (keyof OpenAPISchema)[] = [
  'additionalProperties',
  'default',
  'description',
  'enum',
  'format',
  'items',
  'maxItems',
  'maxLength',
  'maxProperties',
  'maximum',
  'minItems',
  'minLength',
  'minProperties',
  'minimum',
  'nullable',
  'pattern',
  'properties',
  'required',
  'type',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-validations',
];

/** canonicalSchema returns a deep copy with keys in a fixed order and properties sorted by name (deterministic YAML). */
export function canonicalSchema(schema: OpenAPISchema): OpenAPISchema {
  const out: Record<string, unknown> = {};
  for (const key of KEY_ORDER) {
    const value = schema[key];
    if (value === undefined) continue;
    if (key === 'properties') {
      const props = value as Record<string, OpenAPISchema>;
      const sorted: Record<string, OpenAPISchema> = {};
      for (const name of Object.keys(props).sort()) sorted[name] = canonicalSchema(props[name] as OpenAPISchema);
      out[key] = sorted;
    } else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) {
      out[key] = canonicalSchema(value as OpenAPISchema);
    } else {
      out[key] = structuredClone(value);
    }
  }
  return out;
}
