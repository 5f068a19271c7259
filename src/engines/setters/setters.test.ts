import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isNonString, markerSetter, rewriteYaml, setterValues, updateWithSetters, type PolicyRef } from './index.ts';

const policies: PolicyRef[] = [
  { namespace: 'apps', name: 'podinfo', latestRef: { name: 'ghcr.io/stefanprodan/podinfo', tag: '6.5.1' } },
  {
    namespace: 'apps',
    name: 'pinned',
    latestRef: { name: 'registry.local:5000/team/app', tag: '1.20', digest: 'sha256:' + 'ab'.repeat(32) },
  },
  { namespace: 'apps', name: 'pending' },
];
const setters = setterValues(policies);
const rewrite = (text: string) => rewriteYaml(text, setters);

describe('markerSetter', () => {
  it('reads the shorthand and the $ref form, and nothing else', () => {
    assert.equal(markerSetter(' {"$imagepolicy": "apps:podinfo"}'), 'apps:podinfo');
    assert.equal(markerSetter('{"$imagepolicy":"apps:podinfo:tag","note":"x"}'), 'apps:podinfo:tag');
    assert.equal(markerSetter('# {"$imagepolicy": "apps:podinfo"}'), 'apps:podinfo');
    assert.equal(markerSetter(' {"$ref": "#/definitions/io.k8s.cli.setters.apps:podinfo:name"}'), 'apps:podinfo:name');
    assert.equal(markerSetter(' {"$imagepolicy": "apps:podinfo"} keep me'), undefined);
    assert.equal(markerSetter(' {"$imagepolicy": "apps:podinfo", "n": 1}'), undefined);
    assert.equal(markerSetter(' {"$imagepolicy": ""}'), undefined);
    assert.equal(markerSetter(' just a comment'), undefined);
  });
});

describe('rewriteYaml', () => {
  it('updates a plain manifest and keeps every other byte', () => {
    const src = [
      '# top comment',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:   {name: web, namespace: prod}   # flow map kept as is',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: web',
      '          image: ghcr.io/stefanprodan/podinfo:5.0.0   # {"$imagepolicy": "apps:podinfo"}',
      '          # a comment between fields',
      '          args: [ "--port",   "9898" ]',
      '        - name: sidecar',
      "          image: 'busybox:1.36' # not a marker",
      '',
    ].join('\n');
    const r = rewrite(src);
    assert.equal(r.text, src.replace('podinfo:5.0.0', 'podinfo:6.5.1'));
    assert.deepEqual(r.changes, [
      {
        oldValue: 'ghcr.io/stefanprodan/podinfo:5.0.0',
        newValue: 'ghcr.io/stefanprodan/podinfo:6.5.1',
        setter: 'apps:podinfo',
        object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'prod', name: 'web' },
      },
    ]);
  });

  it("updates kustomize images with :name, :tag and :digest, keeping each scalar's quoting", () => {
    const src = [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources: [deploy.yaml]',
      'images:',
      '- name: app',
      '  newName: "old/app" # {"$imagepolicy": "apps:pinned:name"}',
      '  newTag: \'v1\' # {"$imagepolicy": "apps:pinned:tag"}',
      '  digest: sha256:00 # {"$imagepolicy": "apps:pinned:digest"}',
      '',
    ].join('\n');
    const r = rewrite(src);
    assert.equal(
      r.text,
      src
        .replace('"old/app"', '"registry.local:5000/team/app"')
        .replace("'v1'", "'1.20'")
        .replace('sha256:00', 'sha256:' + 'ab'.repeat(32)),
    );
    assert.equal(r.changes.length, 3);
    assert.deepEqual(
      r.changes.map((c) => c.setter),
      ['apps:pinned:name', 'apps:pinned:tag', 'apps:pinned:digest'],
    );
  });

  it('quotes a plain value that would read back as a number, bool or date', () => {
    const src = 'values:\n  image:\n    tag: v1.0.0 # {"$imagepolicy": "apps:pinned:tag"}\n';
    assert.equal(rewrite(src).text, 'values:\n  image:\n    tag: "1.20" # {"$imagepolicy": "apps:pinned:tag"}\n');
    for (const v of ['1.20', '123', '1e3', '0x1F', 'yes', 'On', '~', '', '2024-01-15', '1_000', '.5', '-.inf']) {
      assert.equal(isNonString(v), true, v);
    }
    for (const v of ['v1.20', '1.2.3', 'main-123', 'sha256:ab', '2024-01-15-abc', 'yess']) {
      assert.equal(isNonString(v), false, v);
    }
  });

  it('full ref of a policy with a digest carries @digest; HelmRelease values', () => {
    const src = [
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'metadata:',
      '  name: app',
      'spec:',
      '  values:',
      '    image: reg/app:1.0 # {"$imagepolicy": "apps:pinned"}',
      '    repository: x # {"$imagepolicy": "apps:pinned:name"}',
      '',
    ].join('\n');
    const r = rewrite(src);
    assert.match(r.text ?? '', /image: registry\.local:5000\/team\/app:1\.20@sha256:(ab){32} # \{/u);
    assert.match(r.text ?? '', /repository: registry\.local:5000\/team\/app # \{/u);
    assert.equal(r.changes[0]?.object.kind, 'HelmRelease');
  });

  it('a one-line comment right above a sequence item marks it; two lines or a key do not', () => {
    const src = [
      'list:',
      '  # {"$imagepolicy": "apps:podinfo:tag"}',
      '  - "1.0.0"',
      '  # first line',
      '  # {"$imagepolicy": "apps:podinfo:tag"}',
      '  - 2.0.0',
      '# {"$imagepolicy": "apps:podinfo:tag"}',
      'key: 3.0.0',
      '',
    ].join('\n');
    const r = rewrite(src);
    assert.equal(r.text, src.replace('"1.0.0"', '"6.5.1"'));
  });

  it('multi-document files, CRLF line ends, documents without identity', () => {
    const src =
      '---\r\nkind: A\r\nmetadata:\r\n  name: a\r\nimg: x:1 # {"$imagepolicy": "apps:podinfo"}\r\n---\r\n# empty\r\n---\r\nl:\r\n- y:1 # {"$imagepolicy": "apps:podinfo:tag"}\r\n';
    const r = rewrite(src);
    assert.equal(r.text, src.replace('x:1', 'ghcr.io/stefanprodan/podinfo:6.5.1').replace('y:1', '6.5.1'));
    assert.deepEqual(r.changes[1]?.object, { apiVersion: '', kind: '', namespace: '', name: '' });
  });

  it('a file with a bare list or scalar document is left alone, as kyaml cannot read it', () => {
    assert.equal(rewrite('a: x:1 # {"$imagepolicy": "apps:podinfo"}\n---\n- b\n').text, undefined);
    assert.equal(rewrite('--- x:1 # {"$imagepolicy": "apps:podinfo"}\n').text, undefined);
  });

  it('reports markers of unknown or unresolved policies and leaves them alone', () => {
    const src = 'a: 1 # {"$imagepolicy": "apps:pending"}\nb: 2 # {"$imagepolicy": "other:podinfo"}\n';
    const r = rewrite(src);
    assert.equal(r.text, undefined);
    assert.deepEqual(r.unknownSetters, ['apps:pending', 'other:podinfo']);
  });

  it('unchanged values and unparsable files give no text', () => {
    assert.equal(rewrite('i: ghcr.io/stefanprodan/podinfo:6.5.1 # {"$imagepolicy": "apps:podinfo"}\n').text, undefined);
    assert.equal(rewrite('a: [unclosed # {"$imagepolicy": "apps:podinfo"}\nb: {{ .Values }}\n').text, undefined);
  });
});

describe('updateWithSetters', () => {
  it('considers only .yaml/.yml/Kustomization files that contain the token, sorted by path', () => {
    const marked = 'image: a:1 # {"$imagepolicy": "apps:podinfo"}\n';
    const r = updateWithSetters(
      [
        { path: 'z/deploy.yaml', text: marked },
        { path: 'a/Kustomization', text: marked },
        { path: 'a/notes.txt', text: marked },
        { path: 'a/other.yml', text: 'image: a:1 # {$imagepolicy: apps:podinfo}\n' },
        { path: 'b/chart/templates/x.yaml', text: '{{ if }}\nimage: a:1 # {"$imagepolicy": "apps:podinfo"}' },
      ],
      policies,
    );
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['a/Kustomization', 'z/deploy.yaml'],
    );
    assert.deepEqual([...r.fileChanges.keys()], ['a/Kustomization', 'z/deploy.yaml']);
    assert.deepEqual(r.fileChanges.get('z/deploy.yaml'), [
      {
        object: { apiVersion: '', kind: '', namespace: '', name: '' },
        changes: [{ oldValue: 'a:1', newValue: 'ghcr.io/stefanprodan/podinfo:6.5.1', setter: 'apps:podinfo' }],
      },
    ]);
  });
});
