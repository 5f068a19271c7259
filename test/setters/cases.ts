// Inputs for the setters differential test, written for fluxts: the layouts users keep in GitOps repositories.
import type { KyamlRequest } from './kyamlref.ts';

export const POLICIES: KyamlRequest['policies'] = [
  { namespace: 'apps', name: 'podinfo', latestRef: { name: 'ghcr.io/stefanprodan/podinfo', tag: '6.5.1' } },
  {
    namespace: 'apps',
    name: 'pinned',
    latestRef: { name: 'registry.local:5000/team/app', tag: '1.20', digest: `sha256:${'ab'.repeat(32)}` },
  },
  { namespace: 'apps', name: 'dated', latestRef: { name: 'docker.io/library/nginx', tag: '2024-01-15' } },
  { namespace: 'apps', name: 'onoff', latestRef: { name: 'nginx', tag: 'on' } },
  { namespace: 'apps', name: 'pending' },
];

export interface SetterCase {
  name: string;
  files: Record<string, string>;
  policies?: KyamlRequest['policies'];
  /** The input is in kyaml's own layout, so the outputs must be byte-identical. */
  sameBytes?: boolean;
  /** kyaml re-formats untouched lines here; fluxts keeps them. */
  keepsBytesKyamlChanges?: boolean;
}

const lines = (...l: string[]): string => l.join('\n') + '\n';

export const CASES: SetterCase[] = [
  {
    name: 'a Deployment with comments everywhere',
    sameBytes: true,
    files: {
      'apps/web/deploy.yaml': lines(
        '# The web front end',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: web # the name',
        '  namespace: prod',
        'spec:',
        '  replicas: 2',
        '  template:',
        '    spec:',
        '      containers:',
        '      - name: web',
        '        # which image',
        '        image: ghcr.io/stefanprodan/podinfo:5.0.0 # {"$imagepolicy": "apps:podinfo"}',
        '        ports:',
        '        - containerPort: 9898',
        '      - name: sidecar',
        '        image: busybox:1.36 # not a marker',
        '# trailing comment',
      ),
    },
  },
  {
    name: 'kustomize images with :name, :tag and :digest in three quoting styles',
    sameBytes: true,
    files: {
      'clusters/prod/kustomization.yaml': lines(
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        '- deploy.yaml',
        'images:',
        '- name: app',
        '  newName: "old/app" # {"$imagepolicy": "apps:pinned:name"}',
        '  newTag: \'v1\' # {"$imagepolicy": "apps:pinned:tag"}',
        '  digest: sha256:00 # {"$imagepolicy": "apps:pinned:digest"}',
        '- name: podinfo',
        '  newTag: 5.0.0 # {"$imagepolicy": "apps:podinfo:tag"}',
      ),
    },
  },
  {
    name: 'HelmRelease values: numeric, date-like and bool-like tags are quoted',
    sameBytes: true,
    files: {
      'apps/hr.yaml': lines(
        'apiVersion: helm.toolkit.fluxcd.io/v2',
        'kind: HelmRelease',
        'metadata:',
        '  name: app',
        '  namespace: apps',
        'spec:',
        '  interval: 5m',
        '  values:',
        '    image:',
        '      repository: nginx # {"$imagepolicy": "apps:pinned:name"}',
        '      tag: v1.0.0 # {"$imagepolicy": "apps:pinned:tag"}',
        '    web:',
        '      tag: "1.0" # {"$imagepolicy": "apps:dated:tag"}',
        '      other: x # {"$imagepolicy": "apps:dated:tag"}',
        '      flag: x # {"$imagepolicy": "apps:onoff:tag"}',
        '    full: nginx:1 # {"$imagepolicy": "apps:pinned"}',
      ),
    },
  },
  {
    name: 'sequence items marked by a head comment; a line comment wins over it',
    sameBytes: true,
    files: {
      'list.yaml': lines(
        'images:',
        '# {"$imagepolicy": "apps:podinfo:tag"}',
        '- "1.0.0"',
        '- 2.0.0 # {"$imagepolicy": "apps:podinfo:tag"}',
        '# {"$imagepolicy": "apps:podinfo:tag"}',
        '- 3.0.0 # just a note',
        '# {"$imagepolicy": "apps:podinfo:tag"}',
        '- 4.0.0 # {"note": "json but no marker"}',
        'key: v1 # {"$imagepolicy": "apps:podinfo:tag"}',
        '# {"$imagepolicy": "apps:podinfo:tag"}',
        'k2: x',
      ),
    },
  },
  {
    name: 'the $ref long form, markers with extra text or keys, unknown and unresolved policies',
    sameBytes: true,
    files: {
      'm.yaml': lines(
        'a: x # {"$ref": "#/definitions/io.k8s.cli.setters.apps:podinfo:tag"}',
        'b: x # {"$imagepolicy": "apps:podinfo:tag"} and a note',
        'c: x # {"$imagepolicy": "apps:podinfo:tag", "n": 1}',
        'd: x # {"$imagepolicy": "apps:podinfo:tag", "n": "1"}',
        'e: x # {"$imagepolicy": "apps:missing"}',
        'f: x # {"$imagepolicy": "apps:pending:tag"}',
        'g: x #{"$imagepolicy":"apps:podinfo:name"}',
        'h: x ## {"$imagepolicy": "apps:podinfo:name"}',
      ),
    },
  },
  {
    name: 'several documents and objects in one file',
    files: {
      'multi.yaml': lines(
        '---',
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: a',
        'spec:',
        '  containers:',
        '  - image: x:1 # {"$imagepolicy": "apps:podinfo"}',
        '---',
        '# only a comment',
        '---',
        'apiVersion: batch/v1',
        'kind: CronJob',
        'metadata:',
        '  name: b',
        '  namespace: jobs',
        'spec:',
        '  image: y:1 # {"$imagepolicy": "apps:pinned"}',
        '  again: y:1 # {"$imagepolicy": "apps:podinfo"}',
      ),
    },
  },
  {
    name: 'which files are read: names, the quoted token, bare lists, broken YAML, unchanged values',
    files: {
      Kustomization: 'images:\n- newTag: 1 # {"$imagepolicy": "apps:podinfo:tag"}\n',
      'a.yml': 'image: x # {"$imagepolicy": "apps:podinfo"}\n',
      'b.txt': 'image: x # {"$imagepolicy": "apps:podinfo"}\n',
      'c.yaml': 'image: x # {$imagepolicy: apps:podinfo}\n',
      'd.yaml': '- x # {"$imagepolicy": "apps:podinfo"}\n',
      'e.yaml': 'image: [x # {"$imagepolicy": "apps:podinfo"}\n',
      'f.yaml': 'image: ghcr.io/stefanprodan/podinfo:6.5.1 # {"$imagepolicy": "apps:podinfo"}\n',
      'chart/templates/t.yaml': '{{- if .Values.x }}\nimage: x # {"$imagepolicy": "apps:podinfo"}\n{{- end }}\n',
    },
  },
  {
    name: 'CRLF line ends (kyaml writes LF, fluxts keeps CRLF)',
    files: { 'crlf.yaml': 'a: 1\r\nimage: x # {"$imagepolicy": "apps:podinfo"}\r\n' },
  },
  {
    name: 'a hand-formatted file: kyaml re-formats untouched lines, fluxts keeps them',
    keepsBytesKyamlChanges: true,
    files: {
      'hand.yaml': lines(
        'apiVersion:   apps/v1',
        'kind: Deployment',
        'metadata: {name: web,   labels: {app: web}}',
        'spec:',
        '    template:',
        '        spec:',
        '            containers:',
        '                -   name: web',
        '                    image: "x:1"   # {"$imagepolicy": "apps:podinfo"}',
        '                    args: [--a,   --b]',
        '',
        '',
        '# end',
      ),
    },
  },
];
