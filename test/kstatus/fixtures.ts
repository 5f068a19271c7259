// Realistic objects in the states a health check meets, for the kstatus differential test. Status fields follow
// what the Kubernetes controllers write (kube-controller-manager v1.3x).
type Obj = Record<string, unknown>;

const meta = (name: string, extra: Obj = {}): Obj => ({ name, namespace: 'apps', uid: `uid-${name}`, ...extra });
const cond = (type: string, status: string, reason = '', message = ''): Obj => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: '2026-01-01T00:00:00Z',
});

function deployment(name: string, spec: Obj, status: Obj, generation = 2): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, { generation }),
    spec: { selector: { matchLabels: { app: name } }, progressDeadlineSeconds: 600, ...spec },
    status,
  };
}

const available = [
  cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'),
  cond('Progressing', 'True', 'NewReplicaSetAvailable', 'ReplicaSet "web-5d8f" has successfully progressed.'),
];

export const FIXTURES: { name: string; obj: Obj }[] = [
  {
    name: 'deployment ready',
    obj: deployment(
      'web',
      { replicas: 2 },
      {
        observedGeneration: 2,
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
        conditions: available,
      },
    ),
  },
  { name: 'deployment no status', obj: deployment('fresh', { replicas: 1 }, {}, 1) },
  {
    name: 'deployment generation not observed',
    obj: deployment(
      'web',
      { replicas: 2 },
      {
        observedGeneration: 1,
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
        conditions: available,
      },
    ),
  },
  {
    name: 'deployment rolling out',
    obj: deployment(
      'web',
      { replicas: 3 },
      {
        observedGeneration: 2,
        replicas: 4,
        updatedReplicas: 2,
        readyReplicas: 3,
        availableReplicas: 3,
        conditions: [
          cond('Available', 'True', 'MinimumReplicasAvailable'),
          cond('Progressing', 'True', 'ReplicaSetUpdated', 'ReplicaSet "web-6c9" is progressing.'),
        ],
      },
    ),
  },
  {
    name: 'deployment pending termination',
    obj: deployment(
      'web',
      { replicas: 2 },
      {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
        conditions: available,
      },
    ),
  },
  {
    name: 'deployment not available',
    obj: deployment(
      'web',
      { replicas: 2 },
      {
        observedGeneration: 2,
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: 1,
        availableReplicas: 1,
        unavailableReplicas: 1,
        conditions: [
          cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
          available[1] as Obj,
        ],
      },
    ),
  },
  {
    name: 'deployment progress deadline exceeded',
    obj: deployment(
      'web',
      { replicas: 1 },
      {
        observedGeneration: 2,
        replicas: 1,
        updatedReplicas: 1,
        unavailableReplicas: 1,
        conditions: [
          cond('Available', 'False', 'MinimumReplicasUnavailable'),
          cond('Progressing', 'False', 'ProgressDeadlineExceeded', 'ReplicaSet "web-7f" has timed out progressing.'),
        ],
      },
    ),
  },
  {
    name: 'deployment scaled to zero',
    obj: deployment('bench', { replicas: 0 }, { observedGeneration: 2, conditions: available }),
  },
  {
    name: 'deployment without progress deadline and no conditions',
    obj: {
      ...deployment(
        'web',
        { replicas: 1 },
        {
          observedGeneration: 2,
          replicas: 1,
          updatedReplicas: 1,
          readyReplicas: 1,
          availableReplicas: 1,
          conditions: [cond('Available', 'True')],
        },
      ),
      spec: { replicas: 1 },
    },
  },
  {
    name: 'deployment ReplicaSet not yet available',
    obj: deployment(
      'web',
      { replicas: 1 },
      {
        observedGeneration: 2,
        replicas: 1,
        updatedReplicas: 1,
        readyReplicas: 1,
        availableReplicas: 1,
        conditions: [cond('Available', 'True'), cond('Progressing', 'True', 'ReplicaSetUpdated')],
      },
    ),
  },
  {
    name: 'deployment being deleted',
    obj: {
      ...deployment('web', { replicas: 1 }, {}),
      metadata: meta('web', { generation: 2, deletionTimestamp: '2026-01-01T00:00:00Z' }),
    },
  },
  {
    name: 'statefulset ready',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('db', { generation: 1 }),
      spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate' } },
      status: {
        observedGeneration: 1,
        replicas: 3,
        readyReplicas: 3,
        currentReplicas: 3,
        updatedReplicas: 3,
        currentRevision: 'db-7d',
        updateRevision: 'db-7d',
        availableReplicas: 3,
      },
    },
  },
  {
    name: 'statefulset revision mismatch',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('db', { generation: 2 }),
      spec: { replicas: 2 },
      status: {
        observedGeneration: 2,
        replicas: 2,
        readyReplicas: 2,
        currentReplicas: 2,
        updatedReplicas: 1,
        currentRevision: 'db-7d',
        updateRevision: 'db-8e',
      },
    },
  },
  {
    name: 'statefulset partition rollout',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('db', { generation: 2 }),
      spec: { replicas: 4, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } },
      status: { observedGeneration: 2, replicas: 4, readyReplicas: 4, currentReplicas: 3, updatedReplicas: 1 },
    },
  },
  {
    name: 'statefulset partition complete',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('db', { generation: 2 }),
      spec: { replicas: 4, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } },
      status: { observedGeneration: 2, replicas: 4, readyReplicas: 4, currentReplicas: 2, updatedReplicas: 2 },
    },
  },
  {
    name: 'statefulset on delete',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('db', { generation: 1 }),
      spec: { replicas: 2, updateStrategy: { type: 'OnDelete' } },
      status: { observedGeneration: 1 },
    },
  },
  {
    name: 'statefulset not ready',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('db', { generation: 1 }),
      spec: { replicas: 2 },
      status: { observedGeneration: 1, replicas: 2, readyReplicas: 1 },
    },
  },
  {
    name: 'daemonset ready',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta('agent', { generation: 1 }),
      spec: {},
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        updatedNumberScheduled: 3,
        numberAvailable: 3,
        numberReady: 3,
        numberMisscheduled: 0,
      },
    },
  },
  {
    name: 'daemonset rolling',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta('agent', { generation: 3 }),
      spec: {},
      status: {
        observedGeneration: 3,
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        updatedNumberScheduled: 1,
        numberAvailable: 2,
        numberReady: 2,
      },
    },
  },
  {
    name: 'daemonset no observed generation',
    obj: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('agent', { generation: 1 }), spec: {}, status: {} },
  },
  {
    name: 'daemonset no generation',
    obj: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('agent'), spec: {} },
  },
  {
    name: 'daemonset no desired number',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta('agent', { generation: 1 }),
      status: { observedGeneration: 1 },
    },
  },
  {
    name: 'replicaset available',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: meta('web-5d8f', { generation: 1 }),
      spec: { replicas: 2 },
      status: { observedGeneration: 1, replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2 },
    },
  },
  {
    name: 'replicaset failure',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: meta('web-5d8f', { generation: 1 }),
      spec: { replicas: 2 },
      status: {
        observedGeneration: 1,
        replicas: 0,
        conditions: [cond('ReplicaFailure', 'True', 'FailedCreate', 'pods "web-5d8f-" is forbidden: exceeded quota')],
      },
    },
  },
  {
    name: 'replicaset labelling',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: meta('web-5d8f', { generation: 1 }),
      spec: { replicas: 2 },
      status: { observedGeneration: 1, replicas: 2, fullyLabeledReplicas: 1 },
    },
  },
  {
    name: 'pod running ready',
    obj: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta('web-1'),
      status: { phase: 'Running', conditions: [cond('Ready', 'True'), cond('PodScheduled', 'True')] },
    },
  },
  {
    name: 'pod running not ready',
    obj: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta('web-1'),
      status: { phase: 'Running', conditions: [cond('Ready', 'False', 'ContainersNotReady')] },
    },
  },
  {
    name: 'pod crash looping',
    obj: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta('web-1'),
      status: {
        phase: 'Running',
        conditions: [cond('Ready', 'False', 'ContainersNotReady')],
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 5,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } },
          },
          { name: 'sidecar', ready: true, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } },
          { name: 'proxy', ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      },
    },
  },
  {
    name: 'pod succeeded',
    obj: { apiVersion: 'v1', kind: 'Pod', metadata: meta('job-x'), status: { phase: 'Succeeded' } },
  },
  { name: 'pod failed', obj: { apiVersion: 'v1', kind: 'Pod', metadata: meta('job-x'), status: { phase: 'Failed' } } },
  {
    name: 'pod pending',
    obj: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta('web-2'),
      status: { phase: 'Pending', conditions: [cond('PodScheduled', 'True')] },
    },
  },
  {
    name: 'pod unschedulable for long',
    obj: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta('web-3', { creationTimestamp: '2020-01-01T00:00:00Z' }),
      status: {
        phase: 'Pending',
        conditions: [cond('PodScheduled', 'False', 'Unschedulable', '0/1 nodes are available')],
      },
    },
  },
  { name: 'pod no phase', obj: { apiVersion: 'v1', kind: 'Pod', metadata: meta('web-4'), status: {} } },
  {
    name: 'pod unknown phase',
    obj: { apiVersion: 'v1', kind: 'Pod', metadata: meta('web-5'), status: { phase: 'Unknown' } },
  },
  {
    name: 'pvc bound',
    obj: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data'), status: { phase: 'Bound' } },
  },
  {
    name: 'pvc pending',
    obj: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data'), status: { phase: 'Pending' } },
  },
  { name: 'pvc no status', obj: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data') } },
  {
    name: 'service clusterip',
    obj: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('web'),
      spec: { type: 'ClusterIP', clusterIP: '10.0.0.12' },
    },
  },
  {
    name: 'service lb without ip',
    obj: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('web'),
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: {} },
    },
  },
  {
    name: 'service lb with ip no ingress',
    obj: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('web'),
      spec: { type: 'LoadBalancer', clusterIP: '10.0.0.13' },
      status: { loadBalancer: {} },
    },
  },
  { name: 'configmap', obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cfg'), data: { a: 'b' } } },
  { name: 'secret', obj: { apiVersion: 'v1', kind: 'Secret', metadata: meta('s'), type: 'Opaque' } },
  { name: 'serviceaccount', obj: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('sa') } },
  {
    name: 'namespace active',
    obj: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' }, status: { phase: 'Active' } },
  },
  {
    name: 'namespace terminating',
    obj: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'apps', deletionTimestamp: '2026-01-01T00:00:00Z' },
      status: {
        phase: 'Terminating',
        conditions: [cond('NamespaceDeletionContentFailure', 'False', 'ContentDeleted')],
      },
    },
  },
  {
    name: 'pdb',
    obj: {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta('pdb', { generation: 1 }),
      status: { observedGeneration: 1, disruptionsAllowed: 0 },
    },
  },
  {
    name: 'pdb unobserved',
    obj: {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta('pdb', { generation: 2 }),
      status: { observedGeneration: 1 },
    },
  },
  {
    name: 'cronjob',
    obj: {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta('nightly', { generation: 1 }),
      spec: { schedule: '0 0 * * *' },
      status: {},
    },
  },
  {
    name: 'crd established',
    obj: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com', generation: 1 },
      status: {
        conditions: [cond('NamesAccepted', 'True', 'NoConflicts'), cond('Established', 'True', 'InitialNamesAccepted')],
      },
    },
  },
  {
    name: 'crd installing',
    obj: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      status: { conditions: [cond('Established', 'False', 'Installing')] },
    },
  },
  {
    name: 'crd names conflict',
    obj: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      status: {
        conditions: [
          cond('NamesAccepted', 'False', 'ListKindConflict', '"WidgetList" is already in use'),
          cond('Established', 'False', 'NotAccepted'),
        ],
      },
    },
  },
  {
    name: 'crd no status',
    obj: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
    },
  },
  {
    name: 'kustomization ready',
    obj: {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: meta('apps', { generation: 3 }),
      status: {
        observedGeneration: 3,
        conditions: [cond('Ready', 'True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:abc')],
      },
    },
  },
  {
    name: 'kustomization reconciling',
    obj: {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: meta('apps', { generation: 3 }),
      status: {
        observedGeneration: 3,
        conditions: [
          cond('Reconciling', 'True', 'Progressing', 'Fetching manifests'),
          cond('Ready', 'Unknown', 'Progressing', 'Reconciliation in progress'),
        ],
      },
    },
  },
  {
    name: 'kustomization stalled',
    obj: {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: meta('apps', { generation: 3 }),
      status: {
        observedGeneration: 3,
        conditions: [
          cond('Ready', 'False', 'InvalidCELExpression'),
          cond('Stalled', 'True', 'InvalidCELExpression', 'Reconciliation failed terminally'),
        ],
      },
    },
  },
  {
    name: 'helmrelease not ready',
    obj: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: meta('podinfo', { generation: 1 }),
      status: { observedGeneration: 1, conditions: [cond('Ready', 'False', 'InstallFailed', 'Helm install failed')] },
    },
  },
  {
    name: 'helmrelease unobserved',
    obj: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: meta('podinfo', { generation: 2 }),
      status: { observedGeneration: -1 },
    },
  },
  {
    name: 'custom resource no conditions',
    obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('w', { generation: 1 }), spec: { size: 3 } },
  },
  {
    name: 'custom resource ready unknown',
    obj: {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: meta('w'),
      status: { conditions: [cond('Ready', 'Unknown', 'Waiting', 'waiting for dependencies')] },
    },
  },
  {
    name: 'custom resource other conditions only',
    obj: {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: meta('w'),
      status: { conditions: [cond('Synced', 'False', 'Error', 'boom')] },
    },
  },
  {
    name: 'custom resource bad conditions',
    obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('w'), status: { conditions: 'broken' } },
  },
  {
    name: 'custom resource bad generation',
    obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('w', { generation: 'one' }) },
  },
  {
    name: 'custom resource string status',
    obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('w'), status: 'ok' },
  },
  {
    name: 'job complete',
    obj: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta('migrate', { generation: 1 }),
      spec: { completions: 1, parallelism: 1 },
      status: {
        startTime: '2026-01-01T00:00:00Z',
        succeeded: 1,
        conditions: [cond('SuccessCriteriaMet', 'True'), cond('Complete', 'True')],
      },
    },
  },
  {
    name: 'job running',
    obj: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta('migrate', { generation: 1 }),
      spec: { completions: 3, parallelism: 2 },
      status: { startTime: '2026-01-01T00:00:00Z', active: 2, succeeded: 1 },
    },
  },
  {
    name: 'job not started',
    obj: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta('migrate', { generation: 1 }),
      spec: { parallelism: 2 },
    },
  },
  {
    name: 'job failed',
    obj: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta('migrate', { generation: 1 }),
      spec: { backoffLimit: 2 },
      status: {
        startTime: '2026-01-01T00:00:00Z',
        failed: 3,
        conditions: [
          cond('FailureTarget', 'True'),
          cond('Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
        ],
      },
    },
  },
  {
    name: 'job suspended',
    obj: { apiVersion: 'batch/v1', kind: 'Job', metadata: meta('migrate', { generation: 1 }), spec: { suspend: true } },
  },
  {
    name: 'job being deleted',
    obj: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta('migrate', { generation: 1, deletionTimestamp: '2026-01-01T00:00:00Z' }),
      status: { startTime: '2026-01-01T00:00:00Z', active: 1 },
    },
  },
  {
    name: 'extensions deployment',
    obj: {
      apiVersion: 'extensions/v1beta1',
      kind: 'Deployment',
      metadata: meta('old', { generation: 1 }),
      spec: { replicas: 1 },
      status: { observedGeneration: 1 },
    },
  },
];
