// Event Hubs addressing and shared-access signatures: the connection string the Azure portal hands out
// (`Endpoint=sb://<ns>.servicebus.windows.net/;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=<hub>`, or a
// ready `SharedAccessSignature=…`, or `UseDevelopmentEmulator=true` for the local emulator), the SAS token Event Hubs
// documents (HMAC-SHA256 over the URL-encoded resource URI and the expiry), and the namespace suffix per cloud.
import { createHmac } from 'node:crypto';

import { ProviderConfigError } from './types.ts';

/** SAS_TOKEN_TYPE and JWT_TOKEN_TYPE are the put-token `type`s Event Hubs accepts. */
export const SAS_TOKEN_TYPE = 'servicebus.windows.net:sastoken';
export const JWT_TOKEN_TYPE = 'jwt';

/** SAS_LIFETIME_S is how long a signature we make stays valid (the connection lives for one send). */
const SAS_LIFETIME_S = 3600;

/** ConnectionString is a parsed Event Hubs connection string. */
export interface ConnectionString {
  /** host is the namespace's fully qualified name, with `:port` when the string gives one. */
  host: string;
  entityPath: string;
  keyName?: string;
  key?: string;
  signature?: string;
  emulator: boolean;
}

/** isSasConnectionString is Flux's test: a connection string carries `SharedAccessKey`. */
export function isSasConnectionString(address: string): boolean {
  return address.includes('SharedAccessKey');
}

/**
 * parseConnectionString reads `key=value` pairs separated by `;` (keys case-insensitive, values may contain `=`).
 * Errors never quote the string: it holds the key.
 */
export function parseConnectionString(text: string): ConnectionString {
  const fields = new Map<string, string>();
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (part.trim() === '') continue;
    if (eq < 0) throw new ProviderConfigError('invalid Event Hubs connection string: a part has no "="');
    fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const endpoint = fields.get('endpoint');
  if (!endpoint) throw new ProviderConfigError('invalid Event Hubs connection string: Endpoint is missing');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ProviderConfigError('invalid Event Hubs connection string: Endpoint is not a URL');
  }
  if (!url.host) throw new ProviderConfigError('invalid Event Hubs connection string: Endpoint has no host');
  const entityPath = fields.get('entitypath') ?? '';
  if (!entityPath) {
    throw new ProviderConfigError(
      'invalid Event Hubs connection string: EntityPath is missing (the connection string of the event hub, not of the namespace, is needed)',
    );
  }
  const keyName = fields.get('sharedaccesskeyname');
  const key = fields.get('sharedaccesskey');
  const signature = fields.get('sharedaccesssignature');
  if (!signature && (!keyName || !key)) {
    throw new ProviderConfigError(
      'invalid Event Hubs connection string: SharedAccessKeyName and SharedAccessKey (or SharedAccessSignature) are required',
    );
  }
  return {
    host: url.host,
    entityPath,
    ...(keyName ? { keyName } : {}),
    ...(key ? { key } : {}),
    ...(signature ? { signature } : {}),
    emulator: fields.get('usedevelopmentemulator')?.toLowerCase() === 'true',
  };
}

/** SasToken is a signature and when it expires. */
export interface SasToken {
  token: string;
  expiresAt: Date;
}

/**
 * sasToken signs `resourceUri` as Event Hubs documents: `sig = base64(HMAC-SHA256(key, encode(uri) + "\n" + se))`,
 * `SharedAccessSignature sr=<encoded uri>&sig=<encoded sig>&se=<expiry>&skn=<key name>`. The key is used as given
 * (its UTF-8 bytes), not base64-decoded; the token carries `sr` exactly as it was signed.
 */
export function sasToken(resourceUri: string, keyName: string, key: string, nowMs = Date.now()): SasToken {
  const expiry = Math.floor(nowMs / 1000) + SAS_LIFETIME_S;
  const encoded = encodeURIComponent(resourceUri);
  const sig = createHmac('sha256', Buffer.from(key, 'utf8')).update(`${encoded}\n${expiry}`).digest('base64');
  return {
    token: `SharedAccessSignature sr=${encoded}&sig=${encodeURIComponent(sig)}&se=${expiry}&skn=${keyName}`,
    expiresAt: new Date(expiry * 1000),
  };
}

/** signatureExpiry reads `se` of a given SharedAccessSignature (undefined when absent). */
export function signatureExpiry(signature: string): Date | undefined {
  const se = /(?:^|[\s&?])se=(\d+)/u.exec(signature)?.[1];
  return se ? new Date(Number(se) * 1000) : undefined;
}

/**
 * fullyQualifiedNamespace appends the Service Bus suffix of the cloud AZURE_AUTHORITY_HOST names (China,
 * US Government, or public) to a bare namespace name, as Flux does; a name that has one already is kept.
 */
export function fullyQualifiedNamespace(namespace: string, authorityHost = ''): string {
  if (namespace.includes('.servicebus.')) return namespace;
  if (authorityHost.includes('chinacloudapi.cn')) return `${namespace}.servicebus.chinacloudapi.cn`;
  if (authorityHost.includes('microsoftonline.us')) return `${namespace}.servicebus.usgovcloudapi.net`;
  return `${namespace}.servicebus.windows.net`;
}
