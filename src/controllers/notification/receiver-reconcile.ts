// Receiver reconciliation: validate the CEL filters and OIDC settings (terminal on error), read the token, and
// publish `status.webhookPath = /hook/<sha256(token + name + namespace)>` with Ready=True.
import { ConditionType, Reason, ReceiverReason, type Receiver, webhookPath } from '../../api/index.ts';
import { CelExpression } from '../../engines/cel/index.ts';
import { conditions, done, formatDuration, parseDuration, requeueAfter, type Result } from '../../runtime/index.ts';
import type { StepContext } from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';

function intervalMs(obj: Receiver): number {
  return parseDuration(obj.spec.interval ?? '10m');
}

/** validateSpec returns the first configuration error as [reason, message], mirroring the CRD rules. */
export function validateSpec(obj: Receiver): [string, string] | undefined {
  const oidc = obj.spec.type === 'generic-oidc';
  const variables = oidc ? ['res', 'req', 'claims'] : ['res', 'req'];
  const compile = (expr: string) => new CelExpression(expr, { variables, boolOutput: true });
  if (obj.spec.resourceFilter) {
    try {
      compile(obj.spec.resourceFilter);
    } catch (err) {
      return ['InvalidCELExpression', `invalid resourceFilter expression: ${errorMessage(err)}`];
    }
  }
  for (const [i, res] of obj.spec.resources.entries()) {
    if (!res.filter) continue;
    try {
      compile(res.filter);
    } catch (err) {
      return [
        'InvalidCELExpression',
        `invalid filter expression for resources[${i}] (kind="${res.kind}", name="${res.name}"): ${errorMessage(err)}`,
      ];
    }
  }
  const providers = obj.spec.oidcProviders ?? [];
  if (oidc && providers.length === 0)
    return ['ValidationFailed', 'generic-oidc receiver requires at least one oidcProvider'];
  if (!oidc && providers.length > 0)
    return ['ValidationFailed', 'oidcProviders can only be set when type is generic-oidc'];
  if (oidc && obj.spec.secretRef) return ['ValidationFailed', 'secretRef cannot be set when type is generic-oidc'];
  if (!oidc && !obj.spec.secretRef) return ['ValidationFailed', 'secretRef is required when type is not generic-oidc'];
  const seen = new Set<string>();
  for (const [i, p] of providers.entries()) {
    const where = `oidcProviders[${i}] (issuerURL="${p.issuerURL}")`;
    if (!/^https?:\/\//.test(p.issuerURL)) {
      return [
        'ValidationFailed',
        `oidcProviders[${i}]: issuerURL "${p.issuerURL}" must start with http:// or https://`,
      ];
    }
    if (seen.has(p.issuerURL)) return ['ValidationFailed', `oidcProviders[${i}]: duplicate issuerURL "${p.issuerURL}"`];
    seen.add(p.issuerURL);
    if (p.validations.length === 0) {
      return [
        'ValidationFailed',
        `${where}: at least one validation is required; without validations any caller able to obtain a token from this issuer can trigger the Receiver`,
      ];
    }
    for (const v of p.variables ?? []) {
      try {
        new CelExpression(v.expression, { variables: ['claims', 'vars'] });
      } catch (err) {
        return ['InvalidCELExpression', `${where}: invalid expression for variable "${v.name}": ${errorMessage(err)}`];
      }
    }
    for (const v of p.validations) {
      try {
        new CelExpression(v.expression, { variables: ['claims', 'vars'], boolOutput: true });
      } catch (err) {
        return [
          'InvalidCELExpression',
          `${where}: invalid expression for validation "${v.message}": ${errorMessage(err)}`,
        ];
      }
    }
  }
  return undefined;
}

export interface ReceiverReconcileDeps {
  readSecret(namespace: string, name: string): Promise<Record<string, Buffer>>;
}

/** reconcileReceiver is the Receiver pipeline; the shared shape around it patches status and records metrics. */
export async function reconcileReceiver(obj: Receiver, ctx: StepContext, deps: ReceiverReconcileDeps): Promise<Result> {
  const events = ctx.manager.events;
  const invalid = validateSpec(obj);
  if (invalid) {
    const [reason, err] = invalid;
    const message = `Reconciliation failed terminally due to configuration error: ${err}`;
    conditions.markFalse(obj, ConditionType.Ready, reason, message);
    conditions.markStalled(obj, reason, message);
    (obj.status ??= {}).observedGeneration = obj.metadata.generation ?? 0;
    events.event(obj, { severity: 'error', reason, message });
    return done();
  }
  conditions.markReconciling(obj, Reason.Progressing, 'Reconciliation in progress');
  let token = '';
  if (obj.spec.secretRef) {
    const ns = obj.metadata.namespace ?? '';
    const secretName = `${ns}/${obj.spec.secretRef.name}`;
    let failure: string | undefined;
    try {
      const data = await deps.readSecret(ns, obj.spec.secretRef.name);
      if (data['token'] === undefined) failure = `invalid '${secretName}' secret data: required fields 'token'`;
      else token = data['token'].toString('utf8');
    } catch (err) {
      failure = `unable to read token from secret '${secretName}' error: ${errorMessage(err)}`;
    }
    if (failure !== undefined) {
      conditions.markFalse(obj, ConditionType.Ready, ReceiverReason.TokenNotFound, failure);
      (obj.status ??= {}).webhookPath = '';
      events.event(obj, { severity: 'error', reason: 'Failed', message: failure });
      return { error: new Error(failure) };
    }
  }
  const path = webhookPath(token, obj.metadata.name ?? '', obj.metadata.namespace ?? '');
  const message = `Receiver initialized for path: ${path}`;
  conditions.markTrue(obj, ConditionType.Ready, Reason.Succeeded, message);
  if (obj.status?.webhookPath !== path) {
    (obj.status ??= {}).webhookPath = path;
    ctx.request.log.info(message);
  }
  const interval = intervalMs(obj);
  events.event(obj, {
    severity: 'info',
    reason: 'Succeeded',
    message: `Reconciliation finished, next run in ${formatDuration(interval)}`,
  });
  return requeueAfter(interval);
}
