// Differential test: our CRDs against the ones controller-gen generates from Flux's own API types (flux v2.9.5).
// Everything but descriptions and CEL messages (our own wording) must match: names, printer columns, subresources,
// and the schema's types, required lists, enums, patterns, defaults, limits and CEL rules.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { allCrds, type CustomResourceDefinition, type OpenAPISchema } from '../../src/api/index.ts';
import { upstreamCrds } from './upstream.ts';

/** comparable drops what may differ by design: descriptions, CEL messages, required-list order. */
function comparable(schema: OpenAPISchema): unknown {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema).sort(([a], [b]) => a.localeCompare(b))) {
    if (key === 'description') continue;
    if (key === 'properties') {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, OpenAPISchema>)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, child]) => [name, comparable(child)]),
      );
    } else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) {
      out[key] = comparable(value as OpenAPISchema);
    } else if (key === 'required') {
      out[key] = [...(value as string[])].sort();
    } else if (key === 'x-kubernetes-validations') {
      out[key] = (value as { rule: string }[]).map((r) => r.rule);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * NEWER_PROVIDER_TYPES are Provider types notification-controller added after Flux 2.9.5 (zoom, incident.io) that
 * fluxts accepts too (src/api/README.md): they must be the only extra enum values, at the end.
 */
const NEWER_PROVIDER_TYPES = ['zoom', 'incident.io'];

function withoutNewerProviderTypes(schema: OpenAPISchema): void {
  const spec = schema.properties?.['spec'];
  const type = spec?.properties?.['type'];
  assert.ok(spec && type?.enum, 'Provider spec.type has an enum');
  assert.deepEqual(type.enum.slice(-NEWER_PROVIDER_TYPES.length), NEWER_PROVIDER_TYPES);
  const trimmed = { ...type, enum: type.enum.slice(0, -NEWER_PROVIDER_TYPES.length) };
  schema.properties = { ...schema.properties, spec: { ...spec, properties: { ...spec.properties, type: trimmed } } };
}

function version(crd: CustomResourceDefinition) {
  const [v] = crd.spec.versions;
  assert.ok(v, crd.metadata.name);
  return v;
}

void describe('CRDs match those generated from Flux v2.9.5 API types', () => {
  let upstream: Map<string, CustomResourceDefinition>;

  before(async () => {
    upstream = await upstreamCrds();
  });

  void it('covers exactly the same kinds', () => {
    assert.deepEqual(
      allCrds()
        .map((c) => c.metadata.name)
        .sort(),
      [...upstream.keys()].sort(),
    );
  });

  for (const ours of allCrds()) {
    void it(`${ours.metadata.name}`, () => {
      const theirs = upstream.get(ours.metadata.name);
      assert.ok(theirs, `controller-gen produced ${ours.metadata.name}`);
      const names = (c: CustomResourceDefinition) => ({ ...c.spec.names, shortNames: c.spec.names.shortNames ?? [] });
      assert.deepEqual(names(ours), names(theirs));
      assert.equal(ours.spec.scope, theirs.spec.scope);
      const [ov, tv] = [version(ours), version(theirs)];
      assert.equal(ov.name, tv.name);
      assert.deepEqual(ov.subresources ?? {}, tv.subresources ?? {});
      const column = (c: { name: string; type: string; jsonPath: string; priority?: number }) => ({
        name: c.name,
        type: c.type,
        jsonPath: c.jsonPath,
        priority: c.priority ?? 0,
      });
      assert.deepEqual(ov.additionalPrinterColumns.map(column), (tv.additionalPrinterColumns ?? []).map(column));
      // Deliberate difference: we require spec at the root (see src/api/README.md); Flux does not.
      const ourSchema = { ...ov.schema.openAPIV3Schema };
      const specRequired = ours.spec.names.kind !== 'ExternalArtifact';
      assert.deepEqual(ourSchema.required, specRequired ? ['spec'] : undefined);
      delete ourSchema.required;
      if (ours.spec.names.kind === 'Provider') withoutNewerProviderTypes(ourSchema);
      assert.deepEqual(comparable(ourSchema), comparable(tv.schema.openAPIV3Schema));
    });
  }
});
