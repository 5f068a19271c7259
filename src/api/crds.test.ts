import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseAllDocuments } from 'yaml';

import type { OpenAPISchema } from './schema/openapi.ts';
import { allCrds, crdsYaml, FLUX_KINDS, findKind, structuralProblems } from './index.ts';

// Expected identity of every kind, from Flux's published CRDs (config/crd/bases in each controller repository).
const EXPECTED: Record<
  string,
  { group: string; version: string; plural: string; shortNames: string[]; status: boolean }
> = {
  GitRepository: {
    group: 'source.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'gitrepositories',
    shortNames: ['gitrepo'],
    status: true,
  },
  OCIRepository: {
    group: 'source.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'ocirepositories',
    shortNames: ['ocirepo'],
    status: true,
  },
  HelmRepository: {
    group: 'source.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'helmrepositories',
    shortNames: ['helmrepo'],
    status: true,
  },
  HelmChart: {
    group: 'source.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'helmcharts',
    shortNames: ['hc'],
    status: true,
  },
  Bucket: { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'buckets', shortNames: [], status: true },
  ExternalArtifact: {
    group: 'source.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'externalartifacts',
    shortNames: ['ea'],
    status: true,
  },
  Kustomization: {
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'kustomizations',
    shortNames: ['ks'],
    status: true,
  },
  HelmRelease: {
    group: 'helm.toolkit.fluxcd.io',
    version: 'v2',
    plural: 'helmreleases',
    shortNames: ['hr'],
    status: true,
  },
  Provider: {
    group: 'notification.toolkit.fluxcd.io',
    version: 'v1beta3',
    plural: 'providers',
    shortNames: [],
    status: false,
  },
  Alert: {
    group: 'notification.toolkit.fluxcd.io',
    version: 'v1beta3',
    plural: 'alerts',
    shortNames: [],
    status: false,
  },
  Receiver: {
    group: 'notification.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'receivers',
    shortNames: [],
    status: true,
  },
  ImageRepository: {
    group: 'image.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'imagerepositories',
    shortNames: ['imgrepo', 'imagerepo'],
    status: true,
  },
  ImagePolicy: {
    group: 'image.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'imagepolicies',
    shortNames: ['imgpol', 'imagepol'],
    status: true,
  },
  ImageUpdateAutomation: {
    group: 'image.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'imageupdateautomations',
    shortNames: ['iua', 'imgupd', 'imgauto'],
    status: true,
  },
  ArtifactGenerator: {
    group: 'source.extensions.fluxcd.io',
    version: 'v1beta1',
    plural: 'artifactgenerators',
    shortNames: ['ag'],
    status: true,
  },
};

/** resolve follows a printer-column JSONPath (.a.b, .a[?(…)].c) through the schema; undefined when it leaves it. */
function resolve(schema: OpenAPISchema, jsonPath: string): OpenAPISchema | undefined {
  let node: OpenAPISchema | undefined = schema;
  for (const part of jsonPath
    .replace(/\[\?\(.*?\)\]/g, '.[]')
    .split('.')
    .slice(1)) {
    if (node === undefined) return undefined;
    node = part === '[]' ? node.items : node.properties?.[part];
  }
  return node;
}

void describe('Flux CRDs', () => {
  const crds = allCrds();

  void it('has one CRD per kind with the right group, version, plural and short names', () => {
    assert.deepEqual(crds.map((c) => c.spec.names.kind).sort(), Object.keys(EXPECTED).sort());
    for (const crd of crds) {
      const want = EXPECTED[crd.spec.names.kind];
      assert.ok(want, crd.spec.names.kind);
      const [version] = crd.spec.versions;
      assert.equal(crd.spec.versions.length, 1);
      assert.equal(crd.metadata.name, `${want.plural}.${want.group}`);
      assert.equal(crd.spec.group, want.group);
      assert.equal(version?.name, want.version);
      assert.equal(crd.spec.names.plural, want.plural);
      assert.equal(crd.spec.names.singular, crd.spec.names.kind.toLowerCase());
      assert.equal(crd.spec.names.listKind, `${crd.spec.names.kind}List`);
      assert.deepEqual(crd.spec.names.shortNames ?? [], want.shortNames);
      assert.ok(crd.spec.names.categories.includes('all'), `${crd.metadata.name} is in category all`);
      assert.ok(crd.spec.names.categories.includes('fluxcd'), `${crd.metadata.name} is in category fluxcd`);
      assert.equal(crd.spec.scope, 'Namespaced');
      assert.equal(version?.subresources !== undefined, want.status, `${crd.metadata.name} status subresource`);
      assert.equal(crd.metadata.annotations['kustomize.toolkit.fluxcd.io/substitute'], 'disabled');
    }
  });

  void it('renders structural schemas', () => {
    for (const crd of crds) {
      const schema = crd.spec.versions[0]?.schema.openAPIV3Schema;
      assert.ok(schema);
      assert.deepEqual(structuralProblems(schema), [], crd.metadata.name);
    }
  });

  void it('declares every field a printer column reads, with Age, Ready and Status as Flux does', () => {
    for (const crd of crds) {
      const version = crd.spec.versions[0];
      assert.ok(version);
      const names = version.additionalPrinterColumns.map((c) => c.name);
      assert.ok(names.includes('Age'), crd.metadata.name);
      if (version.subresources !== undefined && crd.spec.names.kind !== 'ExternalArtifact') {
        assert.ok(names.includes('Ready') && names.includes('Status'), crd.metadata.name);
      }
      for (const column of version.additionalPrinterColumns) {
        if (column.jsonPath.startsWith('.metadata.')) continue;
        assert.ok(resolve(version.schema.openAPIV3Schema, column.jsonPath), `${crd.metadata.name} ${column.jsonPath}`);
      }
    }
  });

  void it('uses the Flux duration pattern for every interval and requires it where Flux does', () => {
    const durationPattern = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';
    const requiresInterval = new Set([
      'GitRepository',
      'OCIRepository',
      'HelmChart',
      'Bucket',
      'Kustomization',
      'HelmRelease',
      'ImageRepository',
      'ImageUpdateAutomation',
    ]);
    for (const kind of FLUX_KINDS) {
      const spec = kind.schema.properties?.['spec'];
      const interval = spec?.properties?.['interval'];
      if (interval !== undefined) assert.equal(interval.pattern, durationPattern, kind.kind);
      assert.equal(spec?.required?.includes('interval') ?? false, requiresInterval.has(kind.kind), kind.kind);
    }
  });

  void it('defaults status.observedGeneration to -1 on kinds that track generations', () => {
    const git = findKind('source.toolkit.fluxcd.io/v1', 'GitRepository');
    assert.deepEqual(git?.schema.properties?.['status']?.default, { observedGeneration: -1 });
    assert.equal(findKind('notification.toolkit.fluxcd.io/v1beta3', 'Alert')?.schema.properties?.['status'], undefined);
  });

  void it('enforces exactly one of chart and chartRef on HelmRelease with CEL', () => {
    const spec = findKind('helm.toolkit.fluxcd.io/v2', 'HelmRelease')?.schema.properties?.['spec'];
    const rules = spec?.['x-kubernetes-validations']?.map((r) => r.rule) ?? [];
    assert.ok(rules.some((r) => r.includes('has(self.chart)') && r.includes('has(self.chartRef)')));
  });

  void it('renders deterministic multi-document YAML that parses back to the CRDs', () => {
    const first = crdsYaml();
    assert.equal(crdsYaml(), first);
    const docs = parseAllDocuments(first);
    assert.ok(Array.isArray(docs));
    assert.equal(docs.length, crds.length);
    for (const doc of docs) assert.deepEqual(doc.errors, []);
    assert.deepEqual(
      docs.map((d) => d.toJS() as unknown),
      JSON.parse(JSON.stringify(crds)),
    );
    assert.ok(!/^\s*[&*][a-z]/m.test(first), 'no YAML anchors or aliases');
  });
});
