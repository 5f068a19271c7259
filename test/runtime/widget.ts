// A small CRD of our own for runtime integration tests: namespaced, with a status subresource and free-form
// spec/status, so the runtime is exercised without depending on the Flux CRDs.
import { isNotFound, type KubeClient, type KubeObject } from '../../src/kube/client/index.ts';
import type { FluxStatus } from '../../src/runtime/index.ts';
import { eventually } from '../support/eventually.ts';

export const widgetType = { apiVersion: 'runtime.fluxts.test/v1', kind: 'Widget' } as const;

export type Widget = KubeObject<
  { suspend?: boolean; interval?: string; size?: number },
  FluxStatus & Record<string, unknown>
>;

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.runtime.fluxts.test' },
  spec: {
    group: 'runtime.fluxts.test',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};

/** ensureWidgetCrd installs the Widget CRD (idempotent, server-side apply) and waits until it is served. */
export async function ensureWidgetCrd(client: KubeClient): Promise<void> {
  await client.apply(crd, { fieldManager: 'fluxts-test', force: true });
  await eventually('Widget CRD served', async () => {
    try {
      await client.list(widgetType, { limit: 1 });
      return true;
    } catch (err) {
      if (isNotFound(err) || (err instanceof Error && err.name === 'RestMappingError')) return undefined;
      throw err;
    }
  });
}

/** widget builds a Widget manifest. */
export function widget(namespace: string, name: string, spec: Widget['spec'] = {}): Widget {
  return { ...widgetType, metadata: { name, namespace }, spec };
}
