// `fluxts trigger receiver <name>`: POST to a Receiver's webhook as a CI job would, without access to the cluster
// (flux's trigger receiver: the path from the token, name and namespace; generic, generic-hmac and generic-oidc
// authentication; retries on connection errors and on the statuses a starting controller answers).
import { createHmac } from 'node:crypto';

import { type Command, InvalidArgumentError } from 'commander';

import { webhookPath } from '../../api/index.ts';
import { formatDuration } from '../../runtime/index.ts';
import { errorMessage, FluxtsError } from '../../util/errors.ts';
import { sleep } from '../../util/sleep.ts';
import { addGlobalFlags, durationFlag, globalFlags } from '../shared/connect.ts';
import { CliInputError } from '../shared/errors.ts';
import { Logger, type Output, processOutput } from '../shared/terminal.ts';
import { VERSION } from '../shared/version.ts';

/** OIDC_TOKEN_ENV is read for generic-oidc when neither --oidc-provider nor --oidc-token is given (flux's name). */
export const OIDC_TOKEN_ENV = 'FLUX_TRIGGER_RECEIVER_OIDC_TOKEN';
const DEFAULT_AUDIENCE = 'notification-controller';
const TYPES = ['generic', 'generic-hmac', 'generic-oidc'];
const OIDC_PROVIDERS = ['github', 'forgejo'];
/** RETRYABLE are the statuses worth another try: 404 while the Receiver is not reconciled yet, overload, outages. */
const RETRYABLE = new Set([404, 408, 429, 500, 502, 503, 504]);

/** TriggerError is a webhook request that failed for good (after the retries it was allowed). */
export class TriggerError extends FluxtsError {}

export interface TriggerFlags {
  token: string;
  url: string;
  type: string;
  oidcProvider: string;
  oidcToken: string;
  oidcAudience: string;
  payload: string;
  retries: number;
  retryDelay: number;
}

/** validateTriggerFlags refuses the combinations flux refuses, in its words. */
export function validateTriggerFlags(f: TriggerFlags): void {
  if (f.url === '') throw new CliInputError('--url is required');
  if (!TYPES.includes(f.type))
    throw new CliInputError(`invalid --type "${f.type}", must be one of: ${TYPES.join(', ')}`);
  if (f.type !== 'generic-oidc') {
    if (f.token === '') throw new CliInputError(`--token is required for --type=${f.type}`);
    if (f.oidcProvider || f.oidcToken || f.oidcAudience) {
      throw new CliInputError(
        '--oidc-provider, --oidc-token and --oidc-audience can only be set for --type=generic-oidc',
      );
    }
    return;
  }
  if (f.token !== '') {
    throw new CliInputError('--token must not be set for --type=generic-oidc, the Receiver of this type has no secret');
  }
  if (f.oidcProvider && f.oidcToken) throw new CliInputError('--oidc-provider and --oidc-token are mutually exclusive');
  if (f.oidcProvider && !OIDC_PROVIDERS.includes(f.oidcProvider)) {
    throw new CliInputError(
      `invalid --oidc-provider "${f.oidcProvider}", must be one of: ${OIDC_PROVIDERS.join(', ')}`,
    );
  }
  if (f.oidcAudience && !f.oidcProvider) {
    throw new CliInputError('--oidc-audience can only be set together with --oidc-provider');
  }
}

/**
 * fetchActionsToken asks the GitHub/Forgejo Actions token endpoint for an ID token (the job needs `id-token:
 * write`, which sets ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN).
 */
async function fetchActionsToken(env: NodeJS.ProcessEnv, audience: string, signal: AbortSignal): Promise<string> {
  const requestUrl = env['ACTIONS_ID_TOKEN_REQUEST_URL'] ?? '';
  const requestToken = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] ?? '';
  if (!requestUrl || !requestToken) {
    throw new TriggerError(
      "ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN must be set in the environment; ensure the Actions job has the 'id-token: write' permission",
    );
  }
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    throw new TriggerError('invalid ACTIONS_ID_TOKEN_REQUEST_URL');
  }
  url.searchParams.set('audience', audience);
  url.searchParams.sort();
  const res = await fetch(url, { headers: { Authorization: `bearer ${requestToken}` }, signal }).catch(
    (err: unknown) => {
      throw new TriggerError(`OIDC token request failed: ${errorMessage(err)}`, { cause: err });
    },
  );
  const body = await res.text();
  if (res.status !== 200) {
    throw new TriggerError(`OIDC token request failed with status ${res.status} ${res.statusText}: ${body.trim()}`);
  }
  let value: unknown;
  try {
    value = (JSON.parse(body) as { value?: unknown }).value;
  } catch (err) {
    throw new TriggerError(`failed to decode OIDC token response: ${errorMessage(err)}`, { cause: err });
  }
  if (typeof value !== 'string' || value === '')
    throw new TriggerError('the OIDC token response did not contain a token');
  return value;
}

async function oidcToken(f: TriggerFlags, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<string> {
  if (f.oidcProvider) return fetchActionsToken(env, f.oidcAudience || DEFAULT_AUDIENCE, signal);
  if (f.oidcToken) return f.oidcToken;
  const token = env[OIDC_TOKEN_ENV] ?? '';
  if (!token) {
    throw new TriggerError(
      `no OIDC token provided: set --oidc-provider, --oidc-token or the ${OIDC_TOKEN_ENV} environment variable`,
    );
  }
  return token;
}

/**
 * shownUrl is the webhook URL as messages print it: the hook digest shortened. For a `generic` Receiver the path
 * is the only credential, and these lines end up in CI logs (flux prints it whole; we do not).
 */
export function shownUrl(url: string): string {
  return url.replace(/\/hook\/([0-9a-f]{8})[0-9a-f]{56}$/, '/hook/$1…');
}

interface Attempt {
  retryable: boolean;
  error?: string;
}

async function attempt(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<Attempt> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body, headers, signal, redirect: 'manual' });
  } catch (err) {
    if (signal.aborted) throw new TriggerError('context deadline exceeded', { cause: err });
    const why = err instanceof Error && err.cause instanceof Error ? err.cause.message : errorMessage(err);
    return { retryable: true, error: `request to ${shownUrl(url)} failed: ${why}` };
  }
  const text = (await res.text()).trim();
  if (res.status >= 200 && res.status < 300) return { retryable: false };
  const status = `${res.status} ${res.statusText}`.trim();
  return {
    retryable: RETRYABLE.has(res.status),
    error: `request to ${shownUrl(url)} failed with status ${status}${text ? `: ${text}` : ''}`,
  };
}

/** triggerReceiver sends the request, retrying as flux does, and prints flux's lines. */
export async function triggerReceiver(
  name: string,
  namespace: string,
  f: TriggerFlags,
  o: Output,
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<void> {
  validateTriggerFlags(f);
  const log = new Logger(o);
  const signal = AbortSignal.timeout(options.timeoutMs);
  const env = options.env ?? process.env;
  const url = f.url.replace(/\/+$/, '') + webhookPath(f.type === 'generic-oidc' ? '' : f.token, name, namespace);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': `fluxts/v${VERSION}` };
  if (f.type === 'generic-hmac') {
    headers['X-Signature'] = `sha256=${createHmac('sha256', f.token).update(f.payload).digest('hex')}`;
  } else if (f.type === 'generic-oidc') {
    headers['Authorization'] = `Bearer ${await oidcToken(f, env, signal)}`;
  }
  log.action(`triggering Receiver ${namespace}/${name}`);
  for (let n = 0; ; n++) {
    const result = await attempt(url, f.payload, headers, signal);
    if (result.error === undefined) {
      log.success(`Receiver ${namespace}/${name} triggered`);
      return;
    }
    if (!result.retryable || n >= f.retries) throw new TriggerError(result.error);
    log.waiting(`${result.error}; retrying in ${formatDuration(f.retryDelay)} (${n + 1}/${f.retries})`);
    await sleep(f.retryDelay, signal).catch((err: unknown) => {
      throw new TriggerError('context deadline exceeded', { cause: err });
    });
  }
}

function countFlag(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a count (0 or more)`);
  return n;
}

/** registerTriggerCommand adds `fluxts trigger receiver <name>`. */
export function registerTriggerCommand(program: Command, o: Output = processOutput()): Command {
  const trigger = program.command('trigger').description('Trigger the webhooks of Flux objects');
  addGlobalFlags(trigger.command('receiver').argument('<name>', 'the Receiver name'))
    .description('Trigger the webhook of a Receiver (needs no access to the cluster)')
    .option(
      '--token <token>',
      'the Receiver token, required for all types except generic-oidc where it must not be set',
    )
    .option('--url <url>', 'the base URL of the notification-controller webhook receiver, may contain a base path')
    .option('--type <type>', `the Receiver type, one of: ${TYPES.join(', ')}`, 'generic')
    .option(
      '--oidc-provider <provider>',
      'the OIDC provider to fetch the token from, one of: github, forgejo (generic-oidc only, mutually exclusive with --oidc-token)',
    )
    .option(
      '--oidc-token <token>',
      `the OIDC token to authenticate the request (generic-oidc only, mutually exclusive with --oidc-provider); defaults to the ${OIDC_TOKEN_ENV} environment variable`,
    )
    .option(
      '--oidc-audience <audience>',
      `the audience of the OIDC token to fetch (requires --oidc-provider); defaults to "${DEFAULT_AUDIENCE}"`,
    )
    .option('--payload <json>', 'the JSON payload to send in the request body', '{}')
    .option(
      '--retries <n>',
      'the number of times to retry on connection errors or retryable HTTP status codes (404, 408, 429, 5xx); set to 0 to disable',
      countFlag,
      10,
    )
    .option('--retry-delay <duration>', 'the delay between retries (default 10s)', durationFlag)
    .addHelpText(
      'after',
      `
Examples:
  # Trigger a generic Receiver
  fluxts trigger receiver my-receiver --token=my-token --url=https://flux-webhook.example.com

  # Trigger a generic-hmac Receiver with a JSON payload
  fluxts trigger receiver my-receiver --type=generic-hmac --token=my-token \\
    --url=https://flux-webhook.example.com --payload='{"image":"ghcr.io/org/app:v1.0.0"}'

  # Trigger a generic-oidc Receiver from a GitHub Actions job (permissions: id-token: write)
  fluxts trigger receiver my-receiver --type=generic-oidc --oidc-provider=github \\
    --url=https://flux-webhook.example.com`,
    )
    .action(async (name: string, opts: Partial<TriggerFlags>, c: Command) => {
      const g = globalFlags(c);
      const flags: TriggerFlags = {
        token: opts.token ?? '',
        url: opts.url ?? '',
        type: opts.type ?? 'generic',
        oidcProvider: opts.oidcProvider ?? '',
        oidcToken: opts.oidcToken ?? '',
        oidcAudience: opts.oidcAudience ?? '',
        payload: opts.payload ?? '{}',
        retries: opts.retries ?? 10,
        retryDelay: opts.retryDelay ?? 10_000,
      };
      await triggerReceiver(name, g.namespace, flags, o, { timeoutMs: g.timeoutMs });
    });
  return trigger;
}
