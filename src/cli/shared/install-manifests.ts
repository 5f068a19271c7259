// The objects `fluxts install` applies, in Flux's layout (F2 manifests/bases, manifests/rbac, manifests/policies):
// namespace, CRDs, RBAC, ResourceQuota, service accounts, one Deployment per controller running
// `fluxts controller <name>` from the fluxts image, Services and the three default NetworkPolicies.
import { allCrds } from '../../api/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import { controllerProcessEnv } from '../../runtime/index.ts';
import { IMAGE_REPOSITORY, VERSION } from './version.ts';

/** DEFAULT_COMPONENTS and EXTRA_COMPONENTS are flux's component lists. */
export const DEFAULT_COMPONENTS = [
  'source-controller',
  'kustomize-controller',
  'helm-controller',
  'notification-controller',
] as const;
export const EXTRA_COMPONENTS = [
  'image-reflector-controller',
  'image-automation-controller',
  'source-watcher',
] as const;
export const ALL_COMPONENTS: readonly string[] = [...DEFAULT_COMPONENTS, ...EXTRA_COMPONENTS];

/** InstallOptions mirror `flux install`'s flags. */
export interface InstallOptions {
  namespace: string;
  components: string[];
  image: string;
  watchAllNamespaces: boolean;
  logLevel: string;
  networkPolicy: boolean;
  clusterDomain: string;
}

/** defaultInstallOptions are flux's defaults with the fluxts image. */
export function defaultInstallOptions(): InstallOptions {
  return {
    namespace: 'flux-system',
    components: [...DEFAULT_COMPONENTS],
    image: `${IMAGE_REPOSITORY}:v${VERSION}`,
    watchAllNamespaces: true,
    logLevel: 'info',
    networkPolicy: true,
    clusterDomain: 'cluster.local',
  };
}

/** CRD_OWNER maps an API group (and, in the image group, a kind) to the component that serves it. */
function crdComponent(group: string, kind: string): string {
  if (group === 'source.toolkit.fluxcd.io') return 'source-controller';
  if (group === 'kustomize.toolkit.fluxcd.io') return 'kustomize-controller';
  if (group === 'helm.toolkit.fluxcd.io') return 'helm-controller';
  if (group === 'notification.toolkit.fluxcd.io') return 'notification-controller';
  if (group === 'source.extensions.fluxcd.io') return 'source-watcher';
  return kind === 'ImageUpdateAutomation' ? 'image-automation-controller' : 'image-reflector-controller';
}

interface Port {
  containerPort: number;
  name: string;
  protocol: 'TCP';
}
const port = (containerPort: number, name: string): Port => ({ containerPort, name, protocol: 'TCP' });

/** controllerPorts lists each controller's container ports as Flux declares them. */
function controllerPorts(name: string): Port[] {
  const common = [port(8080, 'http-prom'), port(9440, 'healthz')];
  if (name === 'source-controller' || name === 'source-watcher') return [port(9090, 'http'), ...common];
  if (name === 'notification-controller') return [port(9090, 'http'), port(9292, 'http-webhook'), ...common];
  return common;
}

function controllerArgs(name: string, o: InstallOptions): string[] {
  const args = ['controller', name];
  if (name !== 'notification-controller') {
    args.push(`--events-addr=http://notification-controller.$(RUNTIME_NAMESPACE).svc.${o.clusterDomain}./`);
  }
  args.push(`--watch-all-namespaces=${o.watchAllNamespaces}`, `--log-level=${o.logLevel}`, '--log-encoding=json');
  args.push('--enable-leader-election');
  if (name === 'source-controller' || name === 'image-reflector-controller') args.push('--storage-path=/data');
  if (name === 'source-controller') {
    args.push(`--storage-adv-addr=source-controller.$(RUNTIME_NAMESPACE).svc.${o.clusterDomain}.`);
  }
  if (name === 'notification-controller') args.push('--receiverAddr=:9292');
  return args;
}

function labels(o: InstallOptions, component?: string): Record<string, string> {
  return {
    'app.kubernetes.io/instance': o.namespace,
    'app.kubernetes.io/part-of': 'flux',
    'app.kubernetes.io/version': `v${VERSION}`,
    ...(component ? { 'app.kubernetes.io/component': component } : {}),
  };
}

function deployment(name: string, o: InstallOptions): KubeObject {
  const storage = name === 'source-controller' || name === 'image-reflector-controller';
  const serves = name === 'source-controller' || name === 'source-watcher';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: o.namespace, labels: { ...labels(o, name), 'control-plane': 'controller' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      ...(storage ? { strategy: { type: 'Recreate' } } : {}),
      template: {
        metadata: {
          annotations: { 'prometheus.io/port': '8080', 'prometheus.io/scrape': 'true' },
          labels: { app: name, ...labels(o, name) },
        },
        spec: {
          containers: [
            {
              name: 'manager',
              image: o.image,
              imagePullPolicy: 'IfNotPresent',
              args: controllerArgs(name, o),
              env: [
                { name: 'RUNTIME_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                ...(name === 'source-controller' ? [{ name: 'TUF_ROOT', value: '/tmp/.sigstore' }] : []),
                // A long-running Node process needs these to stay small (see runtime/process-tuning.ts).
                ...Object.entries(controllerProcessEnv()).map(([k, value]) => ({ name: k, value })),
              ],
              ports: controllerPorts(name),
              livenessProbe: { httpGet: { path: '/healthz', port: 'healthz' } },
              readinessProbe: serves
                ? { httpGet: { path: '/', port: 'http' } }
                : { httpGet: { path: '/readyz', port: 'healthz' } },
              resources: {
                limits: { cpu: '1000m', memory: '1Gi' },
                requests: { cpu: '100m', memory: '64Mi' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [
                ...(storage ? [{ name: 'data', mountPath: '/data' }] : []),
                { name: 'temp', mountPath: '/tmp' },
              ],
            },
          ],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          priorityClassName: 'system-cluster-critical',
          securityContext: { fsGroup: 1337 },
          serviceAccountName: name,
          terminationGracePeriodSeconds: name === 'helm-controller' ? 600 : 10,
          volumes: [...(storage ? [{ name: 'data', emptyDir: {} }] : []), { name: 'temp', emptyDir: {} }],
        },
      },
    },
  };
}

function service(name: string, app: string, targetPort: string, o: InstallOptions): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: o.namespace, labels: { ...labels(o, app), 'control-plane': 'controller' } },
    spec: {
      type: 'ClusterIP',
      selector: { app },
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort }],
    },
  };
}

function rbac(o: InstallOptions): KubeObject[] {
  const ns = o.namespace;
  const subjects = o.components.map((c) => ({ kind: 'ServiceAccount', name: c, namespace: ns }));
  const fluxGroups = [
    'source.toolkit.fluxcd.io',
    'kustomize.toolkit.fluxcd.io',
    'helm.toolkit.fluxcd.io',
    'notification.toolkit.fluxcd.io',
    'image.toolkit.fluxcd.io',
    'source.extensions.fluxcd.io',
  ];
  const reconcilers = o.components
    .filter((c) => c === 'kustomize-controller' || c === 'helm-controller')
    .map((c) => ({ kind: 'ServiceAccount', name: c, namespace: ns }));
  const aggregated = (name: string, label: string, verbs: string[]): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: `${name}-${ns}`, labels: { ...labels(o), [label]: 'true' } },
    rules: [{ apiGroups: fluxGroups.slice(0, 5), resources: ['*'], verbs }],
  });
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `crd-controller-${ns}`, labels: labels(o) },
      rules: [
        ...fluxGroups.map((g) => ({ apiGroups: [g], resources: ['*'], verbs: ['*'] })),
        {
          apiGroups: [''],
          resources: ['namespaces', 'secrets', 'configmaps', 'serviceaccounts'],
          verbs: ['get', 'list', 'watch'],
        },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
        {
          apiGroups: [''],
          resources: ['configmaps'],
          verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
        },
        { apiGroups: [''], resources: ['configmaps/status'], verbs: ['get', 'update', 'patch'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['*'] },
        { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `crd-controller-${ns}`, labels: labels(o) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `crd-controller-${ns}` },
      subjects,
    },
    ...(reconcilers.length > 0
      ? [
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            metadata: { name: `cluster-reconciler-${ns}`, labels: labels(o) },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
            subjects: reconcilers,
          },
        ]
      : []),
    aggregated('flux-edit', 'rbac.authorization.k8s.io/aggregate-to-edit', [
      'create',
      'delete',
      'deletecollection',
      'patch',
      'update',
    ]),
    aggregated('flux-view', 'rbac.authorization.k8s.io/aggregate-to-view', ['get', 'list', 'watch']),
  ];
}

function networkPolicies(o: InstallOptions): KubeObject[] {
  const np = (name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: o.namespace, labels: labels(o) },
    spec,
  });
  return [
    np('allow-egress', {
      podSelector: {},
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{}],
      policyTypes: ['Ingress', 'Egress'],
    }),
    np('allow-scraping', {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 8080, protocol: 'TCP' }] }],
      policyTypes: ['Ingress'],
    }),
    np('allow-webhooks', {
      podSelector: { matchLabels: { app: 'notification-controller' } },
      ingress: [{ from: [{ namespaceSelector: {} }] }],
      policyTypes: ['Ingress'],
    }),
  ];
}

/** installObjects builds every object of an install, in apply order (namespace and CRDs first). */
export function installObjects(o: InstallOptions): KubeObject[] {
  const ns = o.namespace;
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        labels: {
          ...labels(o),
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'latest',
        },
      },
    },
  ];
  for (const crd of allCrds()) {
    if (!o.components.includes(crdComponent(crd.spec.group, crd.spec.names.kind))) continue;
    const component = crdComponent(crd.spec.group, crd.spec.names.kind);
    const meta = crd.metadata as { name: string; labels?: Record<string, string> };
    objects.push({ ...crd, metadata: { ...meta, labels: { ...meta.labels, ...labels(o, component) } } });
  }
  objects.push(...rbac(o));
  objects.push({
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: `critical-pods-${ns}`, namespace: ns, labels: labels(o) },
    spec: {
      hard: { pods: '1000' },
      scopeSelector: {
        matchExpressions: [
          { operator: 'In', scopeName: 'PriorityClass', values: ['system-node-critical', 'system-cluster-critical'] },
        ],
      },
    },
  });
  for (const c of o.components) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: c, namespace: ns, labels: labels(o, c) },
    });
  }
  if (o.components.includes('source-controller'))
    objects.push(service('source-controller', 'source-controller', 'http', o));
  if (o.components.includes('source-watcher')) objects.push(service('source-watcher', 'source-watcher', 'http', o));
  if (o.components.includes('notification-controller')) {
    objects.push(service('notification-controller', 'notification-controller', 'http', o));
    objects.push(service('webhook-receiver', 'notification-controller', 'http-webhook', o));
  }
  for (const c of o.components) objects.push(deployment(c, o));
  if (o.networkPolicy) objects.push(...networkPolicies(o));
  return objects;
}
