// Property-based fuzzing of the pure engines that read user input (see harness.ts for the shared invariants and
// how to run longer). Per target: what it is fed, and the typed errors it may throw.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import {
  EnvsubstSyntaxError,
  EnvsubstUnsetError,
  envsubst,
  SubstitutionError,
  strictLookup,
} from '../../src/engines/envsubst/index.ts';
import { Template, TemplateError, TemplateExecError, TemplateParseError } from '../../src/engines/gotemplate/index.ts';
import { build, KustomizeBuildError, memoryFileSystem } from '../../src/engines/kustomize/index.ts';
import { matchPattern, parsePattern } from '../../src/engines/sourceignore/index.ts';
import { KubeConfig, KubeConfigError } from '../../src/kube/client/kubeconfig.ts';
import { checkSync, soup } from './harness.ts';

const YAML_PIECES = [
  '\n',
  '\n  ',
  '\n- ',
  ': ',
  '- ',
  '---\n',
  '...\n',
  '&a ',
  '*a',
  '<<: *a',
  '!!str ',
  '!!binary ',
  '!t ',
  '{',
  '}',
  '[',
  ']',
  ', ',
  '"',
  "'",
  '|',
  '>-',
  '#',
  '\t',
  '%YAML 1.1\n',
  'apiVersion: v1\n',
  'kind: ConfigMap\n',
  'metadata:\n  name: x\n',
  'data:\n',
  '\u0000',
  '\ufeff',
  '\ud800',
  'é',
  '0x1F',
  '1e3',
  'null',
  '~',
  'yes',
  '=',
];

/** kustomization builds a directory with one resource file, patches and a kustomization from fragments. */
const kustomizationInput = fc.record({
  resource: soup(YAML_PIECES, 60),
  fields: fc.subarray([
    'namePrefix: p-',
    'nameSuffix: -s',
    'namespace: ns',
    'commonLabels: {a: b}',
    'labels: [{pairs: {c: d}, includeSelectors: true}]',
    'commonAnnotations: {x: "1"}',
    'images: [{name: nginx, newTag: "2"}]',
    'replicas: [{name: web, count: 3}]',
    'patches: [{path: smp.yaml}]',
    'patches: [{path: json6902.yaml, target: {kind: Deployment, name: web}}]',
    'configMapGenerator: [{name: g, literals: [k=v], files: [cm.txt]}]',
    'secretGenerator: [{name: s, envs: [env.txt]}]',
    'replacements: [{source: {kind: ConfigMap, name: x, fieldPath: data.k}, targets: [{select: {kind: Deployment}, fieldPaths: [spec.replicas]}]}]',
    'vars: [{name: V, objref: {kind: ConfigMap, name: x, apiVersion: v1}}]',
    'components: [comp]',
    'resources: [res.yaml, ../escape.yaml, /etc/passwd]',
  ]),
  smp: soup(
    [
      ...YAML_PIECES,
      '$patch: delete',
      '$patch: replace',
      '$setElementOrder/containers: [{name: a}]',
      '$retainKeys: [a]',
      '$deleteFromPrimitiveList/args: [x]',
      'containers:\n  - name: a\n',
    ],
    40,
  ),
  json6902: fc.array(
    fc.record({
      op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus'),
      path: soup(['/', 'spec', 'metadata', 'name', '0', '-', '~0', '~1', 'containers', '~'], 8),
      from: fc.option(soup(['/', 'spec', 'metadata', '0', '-'], 6), { nil: undefined }),
      value: fc.jsonValue({ maxDepth: 3 }),
    }),
    { maxLength: 5 },
  ),
  text: fc.string({ maxLength: 40 }),
});

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: a
        image: nginx
        args: [x, y]
`;

describe('fuzz: engines', () => {
  test('YAML loading and the kustomize engine (strategic merge, JSON 6902, generators, replacements)', () => {
    // Invariant: build returns resources or throws KustomizeBuildError (diagnostics with a file), in bounded CPU.
    const outcomes = checkSync(kustomizationInput, [KustomizeBuildError], (input) => {
      const fs = memoryFileSystem({
        '/k/kustomization.yaml': `resources: [res.yaml, web.yaml]\n${input.fields.join('\n')}\n`,
        '/k/res.yaml': input.resource,
        '/k/web.yaml': WEB,
        '/k/smp.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n${input.smp}`,
        '/k/json6902.yaml': JSON.stringify(input.json6902),
        '/k/cm.txt': input.text,
        '/k/env.txt': input.text,
        '/k/comp/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${input.resource}`,
        '/escape.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: outside}\n',
      });
      const result = build('/k', { fs });
      assert.equal(typeof result.yaml, 'string');
    });
    assert.ok(outcomes.accepted > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
  });

  test('envsubst', () => {
    // Invariant: a string, or EnvsubstSyntaxError/EnvsubstUnsetError (SubstitutionError) naming the variable.
    const vars = new Map([
      ['A', 'a'],
      ['EMPTY', ''],
      ['LONG', 'x'.repeat(1000)],
    ]);
    checkSync(
      soup([
        '$',
        '{',
        '}',
        '${',
        '$$',
        ':',
        '-',
        '=',
        '?',
        '+',
        '#',
        '%',
        '^',
        ',',
        '/',
        'A',
        'EMPTY',
        'LONG',
        'UNSET',
        '0',
        '\\',
        '\n',
      ]),
      [SubstitutionError, EnvsubstSyntaxError, EnvsubstUnsetError],
      (text) => {
        assert.equal(typeof envsubst(text, strictLookup(vars)), 'string');
      },
    );
  });

  test('.sourceignore patterns', () => {
    // Invariant: every line parses (gitignore has no syntax errors) and matching never throws.
    checkSync(
      fc.record({
        line: soup(['*', '**', '/', '!', '\\', '[', ']', '^', '-', 'a', '.', '#', ' ', '?', '{', '}'], 20),
        path: fc.array(soup(['a', '.', '*', ' ', '[', '\\'], 4), { minLength: 1, maxLength: 5 }),
        dir: fc.boolean(),
      }),
      [],
      ({ line, path, dir }) => {
        const p = parsePattern(line, ['d']);
        matchPattern(p, path, dir);
      },
    );
  });

  test('Go templates (parse and execute with output and time limits)', () => {
    // Invariant: output, or a TemplateError (parse or exec, Go's message); never a JavaScript RangeError.
    const pieces = [
      '{{',
      '}}',
      '{{-',
      '-}}',
      ' ',
      '.',
      '.a',
      '.a.b',
      '$',
      '$x',
      ':=',
      '=',
      '|',
      '(',
      ')',
      'if',
      'else',
      'end',
      'range',
      'with',
      'define "t"',
      'template "t" .',
      'block "b" .',
      'len',
      'index',
      'printf "%v"',
      'print',
      'and',
      'or',
      'not',
      'eq',
      'slice',
      'call',
      'nil',
      '"s"',
      '`r`',
      '1',
      '1.5',
      "'c'",
      'true',
      '/*',
      '*/',
      'break',
      'continue',
      'html',
      'js',
      'urlquery',
    ];
    const outcomes = checkSync(soup(pieces, 30), [TemplateError, TemplateParseError, TemplateExecError], (text) => {
      const t = new Template('fuzz').limit({ maxOutputLength: 1 << 20, deadline: Date.now() + 2000 });
      t.parse(text);
      t.execute({ a: { b: [1, 2, { c: 'x' }] }, s: 'str' });
    });
    assert.ok(outcomes.accepted > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
  });

  test('kubeconfig parsing (inline only, as for kubeConfig Secrets)', () => {
    // Invariant: loads, or KubeConfigError; a kubeconfig from a Secret never reads a file.
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.boolean(),
      fc.constant([]),
      fc.constant({}),
    );
    const kubeconfig = fc.record(
      {
        apiVersion: value,
        kind: value,
        'current-context': fc.constantFrom('c', '', 'missing'),
        clusters: fc.array(
          fc.record(
            {
              name: fc.constantFrom('c', ''),
              cluster: fc.record(
                {
                  server: fc.oneof(fc.webUrl(), value),
                  'certificate-authority': value,
                  'certificate-authority-data': value,
                  'insecure-skip-tls-verify': value,
                },
                { requiredKeys: [] },
              ),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
        users: fc.array(
          fc.record(
            {
              name: fc.constantFrom('u', ''),
              user: fc.record(
                {
                  token: value,
                  tokenFile: value,
                  'client-key': value,
                  exec: fc.record({ command: value, args: value, apiVersion: value }, { requiredKeys: [] }),
                  username: value,
                },
                { requiredKeys: [] },
              ),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
        contexts: fc.array(
          fc.record(
            {
              name: fc.constantFrom('c', ''),
              context: fc.record(
                { cluster: fc.constantFrom('c', 'x'), user: fc.constantFrom('u', 'x'), namespace: value },
                { requiredKeys: [] },
              ),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    );
    const text = fc.oneof(
      kubeconfig.map((k) => JSON.stringify(k)),
      soup([...YAML_PIECES, 'clusters:', 'users:', 'contexts:', 'current-context: c'], 30),
    );
    checkSync(text, [KubeConfigError], (t) => {
      const kc = new KubeConfig();
      kc.loadFromString(t, '/nonexistent', 'fuzz', true);
      kc.getCurrentCluster();
    });
  });
});
