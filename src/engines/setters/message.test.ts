import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { renderCommitMessage, updateWithSetters, type MessageData } from './index.ts';

const result = updateWithSetters(
  [
    {
      path: 'apps/web.yaml',
      text: [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: web, namespace: prod}',
        'spec:',
        '  image: a:1 # {"$imagepolicy": "flux-system:web"}',
        '---',
        'apiVersion: batch/v1',
        'kind: CronJob',
        'metadata: {name: cron, namespace: prod}',
        'spec:',
        '  image: a:1 # {"$imagepolicy": "flux-system:web"}',
        '  tag: "1" # {"$imagepolicy": "flux-system:web:tag"}',
        '',
      ].join('\n'),
    },
    { path: 'apps/kustomization.yaml', text: 'images:\n- newTag: "1" # {"$imagepolicy": "flux-system:web:tag"}\n' },
  ],
  [{ namespace: 'flux-system', name: 'web', latestRef: { name: 'reg/web', tag: '2' } }],
);
const data: MessageData = {
  automation: { namespace: 'flux-system', name: 'auto' },
  fileChanges: result.fileChanges,
  values: { env: 'prod' },
};

describe('renderCommitMessage', () => {
  // Whitespace follows Go's trim markers exactly (engines/gotemplate is tested against Go); the point here is the
  // data: objects ordered as Go's fmtsort orders struct keys (apiVersion first), changes per object, helpers.
  it("renders Flux's documented template: files, objects sorted as Go sorts struct keys, changes", () => {
    const template = [
      'Automated image update',
      '',
      'Automation name: {{ .AutomationObject }}',
      '',
      'Files:',
      '{{ range $filename, $_ := .Changed.FileChanges -}}',
      '- {{ $filename }}',
      '{{ end -}}',
      '',
      'Objects:',
      '{{ range $resource, $changes := .Changed.Objects -}}',
      '- {{ $resource.Kind }} {{ $resource.Name }}',
      '  Changes:',
      '{{- range $_, $change := $changes }}',
      '    - {{ $change.OldValue }} -> {{ $change.NewValue }}',
      '{{ end -}}',
      '{{ end -}}',
      'env={{ .Values.env }} distinct={{ len .Changed.Changes }} {{ .AutomationObject.Namespace | upper }}',
    ].join('\n');
    assert.equal(
      renderCommitMessage(template, data),
      [
        'Automated image update',
        '',
        'Automation name: flux-system/auto',
        '',
        'Files:',
        '- apps/kustomization.yaml',
        '- apps/web.yaml',
        'Objects:',
        '-  ',
        '  Changes:',
        '    - 1 -> 2',
        '- Deployment web',
        '  Changes:',
        '    - a:1 -> reg/web:2',
        '- CronJob cron',
        '  Changes:',
        '    - a:1 -> reg/web:2',
        '',
        '    - 1 -> 2',
        'env=prod distinct=2 FLUX-SYSTEM',
      ].join('\n'),
    );
  });

  it('uses the default message, refuses removed fields and non-hermetic functions, wraps errors', () => {
    assert.equal(renderCommitMessage('', data), 'Update from image update automation');
    assert.throws(() => renderCommitMessage('{{ .Updated }}', data), { name: 'RemovedTemplateFieldError' });
    assert.throws(() => renderCommitMessage('{{ .Changed.ImageResult }}', data), { name: 'RemovedTemplateFieldError' });
    assert.throws(() => renderCommitMessage('{{ now }}', data), {
      message:
        /^unable to create commit message template from spec: template: commit message:1: function "now" not defined/,
    });
    assert.throws(() => renderCommitMessage('{{ .Nope }}', data), {
      message:
        /^failed to run template from spec: template: commit message:1:3: executing "commit message" at <.Nope>: can't evaluate field Nope in type source.TemplateData/,
    });
  });
});
