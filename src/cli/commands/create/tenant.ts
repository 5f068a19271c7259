// `create tenant`: per tenant namespace a Namespace, a ServiceAccount and a RoleBinding that give the tenant's
// reconcilers (user `gotk:<namespace>:reconciler` and the service account) a cluster role there
// (flux v2.9.5 cmd/flux/create_tenant.go).
import type { Command } from 'commander';

import { renderExport } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError, parseLabels, qualifiedNameProblem, validateName } from './common.ts';
import { addCommonFlags, boolArg, commonFlags, sliceArg } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';

/** TENANT_LABEL marks every object of a tenant with its name. */
export const TENANT_LABEL = 'toolkit.fluxcd.io/tenant';

function qualified(what: string, value: string): void {
  const problem = qualifiedNameProblem(value);
  if (problem) throw new CreateInputError(`invalid ${what} '${value}': ${problem}`);
}

/**
 * buildTenant builds, per `--with-namespace`, the Namespace (unless `--skip-namespace`), ServiceAccount and
 * RoleBinding `flux create tenant` creates, in flux's order.
 */
export function buildTenant(tenant: string, common: CommonFlags, o: Record<string, unknown>): KubeObject[] {
  qualified('tenant name', tenant);
  const clusterRole = typeof o['clusterRole'] === 'string' ? o['clusterRole'] : 'cluster-admin';
  if (clusterRole === '')
    throw new CreateInputError('cluster-role is required: set --cluster-role, e.g. cluster-admin');
  const namespaces = o['withNamespace'] as string[] | undefined;
  if (namespaces === undefined) {
    throw new CreateInputError('with-namespace is required: set --with-namespace with a namespace of the tenant');
  }
  const account =
    typeof o['withServiceAccount'] === 'string' && o['withServiceAccount'] ? o['withServiceAccount'] : tenant;
  const skipNamespace = o['skipNamespace'] === true;
  const objects: KubeObject[] = [];
  for (const ns of namespaces) {
    qualified('namespace', ns);
    const labels = { ...(parseLabels(common.label) ?? {}), [TENANT_LABEL]: tenant };
    qualified('service-account name', account);
    if (!skipNamespace) objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } });
    objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: account, namespace: ns, labels } });
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `${tenant}-reconciler`, namespace: ns, labels },
      subjects: [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: `gotk:${ns}:reconciler` },
        { kind: 'ServiceAccount', name: account, namespace: ns },
      ],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
    });
  }
  return objects;
}

/** registerTenant adds `create tenant`. */
export function registerTenant(create: Command, deps: CreateDeps): void {
  const cmd = create
    .command('tenant')
    .argument('[name]', 'name of the tenant')
    .description('Create or update a tenant')
    .option(
      '--with-namespace <namespace>',
      'namespace belonging to this tenant (repeatable, comma-separated)',
      sliceArg,
    )
    .option('--cluster-role <role>', 'cluster role of the tenant role binding', 'cluster-admin')
    .option('--with-service-account <name>', 'service account belonging to this tenant')
    .option('--skip-namespace [bool]', 'skip namespace creation (namespace must exist already)', boolArg);
  addCommonFlags(cmd)
    .addHelpText(
      'after',
      `
The create tenant command generates namespaces, service accounts and role bindings to limit the
reconcilers scope to the tenant namespaces.

Examples:
  # Create a tenant with access to a namespace
  fluxts create tenant dev-team --with-namespace=frontend --label=environment=dev

  # Generate tenant namespaces and role bindings in YAML format
  fluxts create tenant dev-team --with-namespace=frontend --with-namespace=backend --export > dev-team.yaml`,
    )
    .action(async (name: string | undefined, opts: Record<string, unknown>, c: Command) => {
      // flux's create PersistentPreRunE checks every create name as RFC 1123 first.
      const tenant = validateName(name);
      const common = commonFlags(opts, c);
      const objects = buildTenant(tenant, common, opts);
      if (common.export) {
        (deps.write ?? ((t: string) => process.stdout.write(t)))(renderExport(objects, 'object'));
        return;
      }
      if (!deps.apply) throw new CreateInputError('applying is not wired: rerun with --export');
      await deps.apply(objects, {
        namespace: common.namespace,
        kubeconfig: common.kubeconfig,
        context: common.context,
        kubeFlags: common.kubeFlags,
        timeoutNs: common.timeout,
        command: ['tenant'],
      });
    });
}
