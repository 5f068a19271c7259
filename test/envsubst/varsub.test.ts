// Differential test: per-resource post-build substitution against fluxcd/pkg/kustomize SubstituteVariables (the
// code kustomize-controller v1.9.4 runs), comparing the resulting object (after Flux's YAML→JSON re-read) and the
// error text. The reference also gives the canonical text of each resource (kustomize's `AsYAML`), which is what
// Flux substitutes and what the kustomize engine emits.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { substituteResource, SubstitutionError } from '../../src/engines/envsubst/index.ts';
import { FluxRef } from '../kstatus/fluxref.ts';

interface Case {
  name: string;
  subject: string;
  yaml: string;
  vars: Record<string, string>;
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo-\${cluster_env}
  namespace: \${namespace:=apps}
  labels:
    app: podinfo
    tier: "\${tier}"
spec:
  replicas: \${replicas}
  selector:
    matchLabels:
      app: podinfo
  template:
    metadata:
      labels:
        app: podinfo
    spec:
      containers:
        - name: app
          image: ghcr.io/stefanprodan/podinfo:\${version:=6.5.0}
          args: ["--level=\${log_level,,}", "--port=\${port}"]
          env:
            - name: ENABLED
              value: "\${enabled}"
            - name: HOME_LITERAL
              value: $HOME
            - name: ESCAPED
              value: $\${escaped}
`;

const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  flag: \${flag}
  quoted: "\${flag}"
  number: \${replicas}
  float: \${float}
  ports: \${ports}
  empty: \${empty}
  timestamp: \${date}
`;

const disabled = `apiVersion: v1
kind: ConfigMap
metadata:
  name: keep-me
  annotations:
    kustomize.toolkit.fluxcd.io/substitute: disabled
data:
  raw: \${undefined_var}
`;

const disabledLabel = `apiVersion: v1
kind: Secret
metadata:
  name: keep-me-too
  labels:
    kustomize.toolkit.fluxcd.io/substitute: disabled
stringData:
  raw: \${undefined_var}
`;

const enabledOther = `apiVersion: v1
kind: ConfigMap
metadata:
  name: not-disabled
  annotations:
    kustomize.toolkit.fluxcd.io/substitute: Disabled
data:
  raw: \${cluster_env}
`;

const crd = `apiVersion: example.com/v1alpha1
kind: Widget
metadata:
  name: w
spec:
  size: \${size:=10}
  name: \${missing_no_default}
`;

const broken = `apiVersion: v1
kind: ConfigMap
metadata:
  name: broken
data:
  key: \${bad
`;

const full = {
  cluster_env: 'prod',
  namespace: 'podinfo',
  tier: 'yes',
  replicas: '3',
  log_level: 'INFO',
  port: '9898',
  enabled: 'true',
  flag: 'on',
  float: '1.50',
  ports: '8080:80',
  empty: '',
  date: '2024-01-02',
  size: '5',
  missing_no_default: 'x',
};

const CASES: Case[] = [
  { name: 'deployment, all vars', subject: 'Deployment.v1.apps/podinfo-${cluster_env}', yaml: deployment, vars: full },
  {
    name: 'deployment, missing var',
    subject: 'Deployment.v1.apps/podinfo-${cluster_env}',
    yaml: deployment,
    vars: { cluster_env: 'dev' },
  },
  { name: 'configmap typing', subject: 'ConfigMap.v1.[noGrp]/app-config', yaml: configMap, vars: full },
  {
    name: 'configmap, value turns YAML',
    subject: 'ConfigMap.v1.[noGrp]/app-config',
    yaml: configMap,
    vars: { ...full, flag: 'a: b' },
  },
  {
    name: 'configmap, newline-free value with colon',
    subject: 'ConfigMap.v1.[noGrp]/app-config',
    yaml: configMap,
    vars: { ...full, ports: '[1, 2]' },
  },
  { name: 'disabled by annotation', subject: 'ConfigMap.v1.[noGrp]/keep-me', yaml: disabled, vars: full },
  { name: 'disabled by label', subject: 'Secret.v1.[noGrp]/keep-me-too', yaml: disabledLabel, vars: full },
  { name: 'opt-out is case-sensitive', subject: 'ConfigMap.v1.[noGrp]/not-disabled', yaml: enabledOther, vars: full },
  { name: 'custom resource with defaults', subject: 'Widget.v1alpha1.example.com/w', yaml: crd, vars: { size: '' } },
  { name: 'custom resource strict miss', subject: 'Widget.v1alpha1.example.com/w', yaml: crd, vars: { other: 'x' } },
  { name: 'invalid var name', subject: 'ConfigMap.v1.[noGrp]/app-config', yaml: configMap, vars: { 'bad-name': 'x' } },
  { name: 'syntax error', subject: 'ConfigMap.v1.[noGrp]/broken', yaml: broken, vars: full },
  { name: 'no vars', subject: 'Widget.v1alpha1.example.com/w', yaml: crd, vars: {} },
];

let ref: FluxRef;
before(async () => {
  ref = await FluxRef.start();
});
after(() => ref.close());

for (const strict of [true, false]) {
  for (const always of [false, true]) {
    test(`post-build substitution matches Flux (strict=${strict}, always=${always})`, async () => {
      for (const c of CASES) {
        const canonical = await ref.ask({ op: 'varsub', input: c.yaml, vars: {}, strict: false, always: false });
        assert.equal(canonical.error, undefined, `${c.name}: reference could not read the fixture`);
        const text = canonical.output ?? '';
        const want = await ref.ask({ op: 'varsub', input: text, vars: c.vars, strict, always });
        let got: { json?: unknown; error?: string };
        try {
          got = { json: substituteResource(text, new Map(Object.entries(c.vars)), { strict, always }).object };
        } catch (err) {
          assert.ok(err instanceof SubstitutionError, `${c.name}: ${String(err)}`);
          got = { error: err.message };
        }
        // Passing the already-parsed object (as the controller will) must not change the outcome.
        let withObject: { json?: unknown; error?: string };
        try {
          const object = canonical.json as Record<string, never>;
          const opts = { strict, always, object };
          withObject = { json: substituteResource(text, new Map(Object.entries(c.vars)), opts).object };
        } catch (err) {
          withObject = { error: (err as Error).message };
        }
        assert.deepEqual(withObject, got, `${c.name} (with object)`);
        if (want.error === undefined) {
          assert.deepEqual(got, { json: want.json }, c.name);
        } else if (want.error.startsWith('envsubst error: YAMLToJSON: yaml: ')) {
          // The YAML parser's own wording differs; the step and the object must match.
          assert.match(
            got.error ?? '',
            new RegExp(`^post build failed for '${escape(c.subject)}': envsubst error: YAMLToJSON: yaml: line \\d+: `),
            c.name,
          );
        } else {
          assert.deepEqual(got, { error: `post build failed for '${c.subject}': ${want.error}` }, c.name);
        }
      }
    });
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
