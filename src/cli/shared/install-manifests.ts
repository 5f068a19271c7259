// The objects `fluxts install` applies, in Flux's layout (F2 manifests/bases, manifests/rbac, manifests/policies):
// namespace, CRDs, RBAC, ResourceQuota, service accounts, one Deployment per controller running
// `fluxts controller <name>` from the fluxts image, Services and the three default NetworkPolicies. What differs
// per controller (kinds, ports, arguments, storage, Services, cluster-admin) comes from its descriptor in the
// registry (controllers/index.ts).
import { allCrds } from '../../api/index.ts';
import { CONTROLLERS, controllerOf, type ControllerDescriptor, findController } from '../../controllers/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import { controllerProcessEnv } from '../../runtime/index.ts';
import { IMAGE_REPOSITORY, VERSION } from './version.ts';

/**
 * ComponentLists split the registry as `fluxts install` offers it: flux's default and extra components among those
 * fluxts can run, and the planned ones (declared, not implemented: a Deployment of one would crash-loop, since
 * `fluxts controller` refuses it). Derived from whether a descriptor has `run`, so a controller that gains one
 * joins the defaults with no edit here.
 */
export interface ComponentLists {
  defaults: readonly string[];
  extras: readonly string[];
  planned: readonly string[];
  all: readonly string[];
}

/** componentLists derives the lists from descriptors, in the registry's order. */
export function componentLists(controllers: readonly ControllerDescriptor[]): ComponentLists {
  const runnable = controllers.filter((c) => c.run !== undefined);
  return {
    defaults: runnable.filter((c) => c.install.default).map((c) => c.name),
    extras: runnable.filter((c) => !c.install.default).map((c) => c.name),
    planned: controllers.filter((c) => c.run === undefined).map((c) => c.name),
    all: controllers.map((c) => c.name),
  };
}

const LISTS = componentLists(CONTROLLERS);
/** DEFAULT_COMPONENTS and EXTRA_COMPONENTS are flux's component lists restricted to what fluxts implements. */
export const DEFAULT_COMPONENTS: readonly string[] = LISTS.defaults;
export const EXTRA_COMPONENTS: readonly string[] = LISTS.extras;
/** ALL_COMPONENTS are every Flux component (uninstall removes any of them). */
export const ALL_COMPONENTS: readonly string[] = LISTS.all;

/** ComponentProblem says why a requested component cannot be installed. */
export interface ComponentProblem {
  component: string;
  message: string;
  hint: string;
}

/**
 * componentProblem checks one requested component: unknown to Flux, or a Flux component fluxts does not run yet.
 * Returns undefined when it can be installed.
 */
export function componentProblem(name: string, lists: ComponentLists = LISTS): ComponentProblem | undefined {
  const available = [...lists.defaults, ...lists.extras].join(', ');
  if (lists.planned.includes(name)) {
    return {
      component: name,
      message: `component "${name}" is not implemented by fluxts yet`,
      hint: `its Deployment would crash-loop; install some of: ${available}`,
    };
  }
  if (!lists.all.includes(name)) {
    return {
      component: name,
      message: `component "${name}" is not a Flux component`,
      hint: `use some of: ${available}`,
    };
  }
  return undefined;
}

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

interface Port {
  containerPort: number;
  name: string;
  protocol: 'TCP';
}
const port = (containerPort: number, name: string): Port => ({ containerPort, name, protocol: 'TCP' });

/** descriptor returns the registry entry of an installed component (installOptionsFrom validated the names). */
function descriptor(name: string): ControllerDescriptor {
  const found = findController(name);
  if (!found) throw new Error(`${name} is not a Flux component`);
  return found;
}

/** controllerPorts lists each controller's container ports as Flux declares them: its own, then metrics and probes. */
function controllerPorts(c: ControllerDescriptor): Port[] {
  const own = (c.install.ports ?? []).map((p) => port(p.containerPort, p.name));
  return [...own, port(8080, 'http-prom'), port(9440, 'healthz')];
}

/** EVENTS_SERVICE is the Service of the controller that receives events (the registry names it). */
const EVENTS_SERVICE = CONTROLLERS.find((c) => c.install.eventsService !== undefined)?.install.eventsService;

function controllerArgs(c: ControllerDescriptor, o: InstallOptions): string[] {
  const args = ['controller', c.name];
  if (c.install.postsEvents !== false && EVENTS_SERVICE !== undefined) {
    args.push(`--events-addr=http://${EVENTS_SERVICE}.$(RUNTIME_NAMESPACE).svc.${o.clusterDomain}./`);
  }
  args.push(`--watch-all-namespaces=${o.watchAllNamespaces}`, `--log-level=${o.logLevel}`, '--log-encoding=json');
  args.push('--enable-leader-election');
  args.push(...(c.install.args?.({ clusterDomain: o.clusterDomain }) ?? []));
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

function deployment(c: ControllerDescriptor, o: InstallOptions): KubeObject {
  const name = c.name;
  const storage = c.install.storage === true;
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
              args: controllerArgs(c, o),
              env: [
                { name: 'RUNTIME_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                ...(c.install.env ?? []),
                // A long-running Node process needs these to stay small (see runtime/process-tuning.ts).
                ...Object.entries(controllerProcessEnv()).map(([k, value]) => ({ name: k, value })),
              ],
              ports: controllerPorts(c),
              livenessProbe: { httpGet: { path: '/healthz', port: 'healthz' } },
              readinessProbe:
                c.install.readiness === 'http'
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
          terminationGracePeriodSeconds: c.install.terminationGracePeriodSeconds ?? 10,
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
  // The API groups as Flux's install lays out its crd-controller and aggregated flux-edit/flux-view roles, in its
  // order. They belong to the install, not to a controller: a new controller serving kinds of these groups adds
  // nothing here.
  const fluxGroups = [
    'source.toolkit.fluxcd.io',
    'kustomize.toolkit.fluxcd.io',
    'helm.toolkit.fluxcd.io',
    'notification.toolkit.fluxcd.io',
    'image.toolkit.fluxcd.io',
    'source.extensions.fluxcd.io',
  ];
  const reconcilers = o.components
    .filter((c) => descriptor(c).rbac.clusterAdmin)
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
    // Flux's manifests carry every controller's webhook policy whichever components are installed.
    ...CONTROLLERS.flatMap((c) =>
      c.install.webhookPolicy === undefined
        ? []
        : [
            np(c.install.webhookPolicy, {
              podSelector: { matchLabels: { app: c.name } },
              ingress: [{ from: [{ namespaceSelector: {} }] }],
              policyTypes: ['Ingress'],
            }),
          ],
    ),
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
    const component = controllerOf(crd.spec.names.kind)?.name ?? '';
    if (!o.components.includes(component)) continue;
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
  for (const c of CONTROLLERS.filter((c) => o.components.includes(c.name))) {
    for (const svc of c.install.services ?? []) objects.push(service(svc.name, c.name, svc.targetPort, o));
  }
  for (const c of o.components) objects.push(deployment(descriptor(c), o));
  if (o.networkPolicy) objects.push(...networkPolicies(o));
  return objects;
}
