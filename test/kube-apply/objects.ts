// Manifests for the apply-manager tests.
import type { KubeObject } from '../../src/kube/client/index.ts';

export const configMap = (
  namespace: string,
  name: string,
  data: Record<string, string> = { a: '1' },
  meta: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...meta }, data });

export const deployment = (
  namespace: string,
  name: string,
  opts: { replicas?: number; podAnnotations?: Record<string, string> } = {},
): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: {
    replicas: opts.replicas ?? 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name }, ...(opts.podAnnotations ? { annotations: opts.podAnnotations } : {}) },
      spec: {
        containers: [{ name: 'app', image: 'ghcr.io/stefanprodan/podinfo:6.7.0', ports: [{ containerPort: 9898 }] }],
      },
    },
  },
});

export const service = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 9898 }] },
});

export const secret = (namespace: string, name: string, stringData: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace },
  type: 'Opaque',
  stringData,
});

export const job = (namespace: string, name: string, image: string): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace },
  spec: {
    backoffLimit: 0,
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image }] } },
  },
});

/** widgetCrd defines a namespaced kind Widget in a group unique to the test. */
export const widgetCrd = (group: string): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1 } } } },
          },
        },
      },
    ],
  },
});
