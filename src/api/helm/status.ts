// Status of a HelmRelease: release history snapshots, failure counters and observed digests.
import { conditions, lastHandledReconcileAt, observedGeneration } from '../meta.ts';
import { inventory } from '../kustomize-types.ts';
import { s, type Infer } from '../schema/dsl.ts';

const namespace63 = (description: string): ReturnType<typeof s.string> =>
  s.string({ minLength: 1, maxLength: 63, description });

const snapshot = s.object({
  apiVersion: s.string({ description: 'Schema version of the snapshot.' }).optional(),
  digest: s.string({ description: 'Digest of the stored release.' }),
  name: s.string({ description: 'Release name.' }),
  namespace: s.string({ description: 'Release namespace.' }),
  version: s.integer({ description: 'Release revision.' }),
  status: s.string({ description: 'Release status, e.g. deployed.' }),
  action: s.string({ description: 'Action that produced the revision.' }).optional(),
  chartName: s.string({ description: 'Chart name.' }),
  chartVersion: s.string({ description: 'Chart version.' }),
  appVersion: s.string({ description: 'Chart app version.' }).optional(),
  configDigest: s.string({ description: 'Digest of the values.' }),
  firstDeployed: s.time({ description: 'When the release was first deployed.' }),
  lastDeployed: s.time({ description: 'When the revision was deployed.' }),
  deleted: s.time({ description: 'When the release was uninstalled.' }).optional(),
  testHooks: s
    .map(
      s.object({
        lastStarted: s.time({ description: 'When the test last started.' }).optional(),
        lastCompleted: s.time({ description: 'When the test last completed.' }).optional(),
        phase: s.string({ description: 'Outcome of the test.' }).optional(),
      }),
      { description: 'Test hooks by name.' },
    )
    .optional(),
  ociDigest: s.string({ description: 'Digest of the OCI chart artifact.' }).optional(),
});
/** Snapshot is one status.history entry of a HelmRelease. */
export type Snapshot = Infer<typeof snapshot>;

const counter = (description: string): ReturnType<typeof s.integer> => s.integer({ format: 'int64', description });

/** helmReleaseStatus is status of a HelmRelease. */
export const helmReleaseStatus = s.object(
  {
    observedGeneration,
    observedPostRenderersDigest: s.string({ description: 'Digest of the post-renderers last applied.' }).optional(),
    observedCommonMetadataDigest: s.string({ description: 'Digest of the commonMetadata last applied.' }).optional(),
    lastAttemptedGeneration: counter('Generation last attempted.').optional(),
    conditions: conditions.optional(),
    helmChart: s.string({ description: 'namespace/name of the generated HelmChart.' }).optional(),
    storageNamespace: namespace63('Namespace of the Helm storage in use.').optional(),
    history: s.array(snapshot, { description: 'Release revisions, newest first.' }).optional(),
    inventory: inventory.optional(),
    lastAttemptedReleaseAction: s
      .enum(['install', 'upgrade'], { description: 'Last release action attempted.' })
      .optional(),
    lastAttemptedReleaseActionDuration: s.string({ description: 'Duration of the last release action.' }).optional(),
    failures: counter('Reconciliation failures since the last success.').optional(),
    installFailures: counter('Install failures since the last success.').optional(),
    upgradeFailures: counter('Upgrade failures since the last success.').optional(),
    lastAttemptedRevision: s.string({ description: 'Chart version last attempted.' }).optional(),
    lastAttemptedRevisionDigest: s.string({ description: 'OCI digest of the chart last attempted.' }).optional(),
    lastAttemptedValuesChecksum: s.string({ description: 'Deprecated values checksum.' }).optional(),
    lastReleaseRevision: s.integer({ description: 'Deprecated release revision.' }).optional(),
    lastAttemptedConfigDigest: s.string({ description: 'Digest of the values last attempted.' }).optional(),
    lastHandledResetAt: s.string({ description: 'Last reconcile.fluxcd.io/resetAt value handled.' }).optional(),
    lastHandledForceAt: s.string({ description: 'Last reconcile.fluxcd.io/forceAt value handled.' }).optional(),
    lastHandledReconcileAt,
  },
  { description: 'Observed state of a HelmRelease.' },
);
