// Helm action settings of a HelmRelease: install, upgrade, test, rollback, uninstall.
import { s } from '../schema/dsl.ts';

const timeout = (what: string): ReturnType<typeof s.duration> =>
  s.duration({ description: `Time limit for Kubernetes operations of the ${what}; spec.timeout when empty.` });

const flag = (description: string): ReturnType<typeof s.boolean> => s.boolean({ description });

// Flux words the install and upgrade rules differently (same meaning); we keep both as they are.
const strategy = (rule: string, message: string) =>
  s.object(
    {
      name: s.enum(['RemediateOnFailure', 'RetryOnFailure'], { description: 'What to do after a failed action.' }),
      retryInterval: s.duration({ description: 'Delay before retrying (RetryOnFailure only).' }).optional(),
    },
    { description: 'Strategy after a failed action.', validations: [{ rule, message }] },
  );

const crds = (fallback: string): ReturnType<typeof s.enum<readonly ['Skip', 'Create', 'CreateReplace']>> =>
  s.enum(['Skip', 'Create', 'CreateReplace'], {
    description: `How CRDs in the chart are handled; ${fallback} when empty.`,
  });

const serverSideApplyMode = s.enum(['enabled', 'disabled', 'auto'], {
  description: 'Apply method; auto reuses the method of the previous release.',
});

/** install configures Helm install actions. */
export const install = s.object(
  {
    timeout: timeout('install').optional(),
    strategy: strategy(
      "!has(self.retryInterval) || self.name != 'RemediateOnFailure'",
      ".retryInterval cannot be set when .name is 'RemediateOnFailure'",
    ).optional(),
    remediation: s
      .object(
        {
          retries: s.integer({ description: 'Retries after failure; negative means unlimited.' }).optional(),
          ignoreTestFailures: flag('Do not remediate failed tests.').optional(),
          remediateLastFailure: flag('Remediate the last failure when retries are exhausted.').optional(),
        },
        { description: 'Remediation of failed installs.' },
      )
      .optional(),
    disableTakeOwnership: flag('Do not adopt existing objects.').optional(),
    disableWait: flag('Do not wait for resources to be ready.').optional(),
    disableWaitForJobs: flag('Do not wait for Jobs to complete.').optional(),
    disableHooks: flag('Skip chart hooks.').optional(),
    disableOpenAPIValidation: flag('Skip OpenAPI validation of rendered manifests.').optional(),
    disableSchemaValidation: flag('Skip JSON schema validation of values.').optional(),
    replace: flag('Reuse the name of a deleted release.').optional(),
    skipCRDs: flag('Deprecated: use crds Skip.').optional(),
    crds: crds('Create').optional(),
    createNamespace: flag('Create the target namespace if missing.').optional(),
    serverSideApply: flag('Apply with server-side apply.').optional(),
  },
  { description: 'Settings of Helm install actions.' },
);

/** upgrade configures Helm upgrade actions. */
export const upgrade = s.object(
  {
    timeout: timeout('upgrade').optional(),
    strategy: strategy(
      "!has(self.retryInterval) || self.name == 'RetryOnFailure'",
      ".retryInterval can only be set when .name is 'RetryOnFailure'",
    ).optional(),
    remediation: s
      .object(
        {
          retries: s.integer({ description: 'Retries after failure; negative means unlimited.' }).optional(),
          ignoreTestFailures: flag('Do not remediate failed tests.').optional(),
          remediateLastFailure: flag('Remediate the last failure when retries are exhausted.').optional(),
          strategy: s
            .enum(['rollback', 'uninstall'], { description: 'Remediation action; rollback when empty.' })
            .optional(),
        },
        { description: 'Remediation of failed upgrades.' },
      )
      .optional(),
    disableTakeOwnership: flag('Do not adopt existing objects.').optional(),
    disableWait: flag('Do not wait for resources to be ready.').optional(),
    disableWaitForJobs: flag('Do not wait for Jobs to complete.').optional(),
    disableHooks: flag('Skip chart hooks.').optional(),
    disableOpenAPIValidation: flag('Skip OpenAPI validation of rendered manifests.').optional(),
    disableSchemaValidation: flag('Skip JSON schema validation of values.').optional(),
    force: flag('Replace resources instead of patching them.').optional(),
    preserveValues: flag('Reuse the values of the previous release.').optional(),
    cleanupOnFail: flag('Delete new resources of a failed upgrade.').optional(),
    crds: crds('Skip').optional(),
    serverSideApply: serverSideApplyMode.optional(),
    chartNameChangeStrategy: s
      .enum(['InPlaceUpdate', 'Reinstall'], { description: 'What a chart name change triggers; Reinstall when empty.' })
      .optional(),
  },
  { description: 'Settings of Helm upgrade actions.' },
);

/** test configures Helm test actions. */
export const test = s.object(
  {
    enable: flag('Run chart tests after install and upgrade.').optional(),
    timeout: timeout('test').optional(),
    ignoreFailures: flag('Do not fail the release when tests fail.').optional(),
    filters: s
      .array(
        s.object({
          name: s.string({ minLength: 1, maxLength: 253, description: 'Name of the test.' }),
          exclude: flag('Exclude instead of include the test.').optional(),
        }),
        { description: 'Tests to run or skip.' },
      )
      .optional(),
  },
  { description: 'Settings of Helm test actions.' },
);

/** rollback configures Helm rollback actions. */
export const rollback = s.object(
  {
    timeout: timeout('rollback').optional(),
    disableWait: flag('Do not wait for resources to be ready.').optional(),
    disableWaitForJobs: flag('Do not wait for Jobs to complete.').optional(),
    disableHooks: flag('Skip chart hooks.').optional(),
    recreate: flag('Deprecated no-op.').optional(),
    force: flag('Replace resources instead of patching them.').optional(),
    cleanupOnFail: flag('Delete new resources of a failed rollback.').optional(),
    serverSideApply: serverSideApplyMode.optional(),
  },
  { description: 'Settings of Helm rollback actions.' },
);

/** uninstall configures Helm uninstall actions. */
export const uninstall = s.object(
  {
    timeout: timeout('uninstall').optional(),
    disableHooks: flag('Skip chart hooks.').optional(),
    keepHistory: flag('Keep the release history.').optional(),
    disableWait: flag('Do not wait for resources to be deleted.').optional(),
    deletionPropagation: s
      .enum(['background', 'foreground', 'orphan'], { default: 'background', description: 'Cascading deletion mode.' })
      .optional(),
  },
  { description: 'Settings of Helm uninstall actions.' },
);
