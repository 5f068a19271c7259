// Helpers shared by the `create secret` commands: reading credential files and building a Secret the way flux's
// sourcesecret package does (stringData, optional type, labels). Secret values never go into error messages.
import { readFile } from 'node:fs/promises';

import { CreateInputError, parseLabels } from './common.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import type { YamlValue } from './yaml-value.ts';

/** readCredentialFile reads a certificate or key file; errors name the file, never its content. */
export async function readCredentialFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new CreateInputError(`${what}: cannot read ${path} (${code}): check the path`, { cause: err });
  }
}

/** secretObject builds a v1 Secret with stringData; `type` and labels only when set. */
export function secretObject(
  name: string,
  common: CommonFlags,
  stringData: Record<string, string>,
  opts: { type?: string; labels?: boolean } = {},
): KubeObject {
  const metadata: { [key: string]: YamlValue } = { name, namespace: common.namespace };
  if (opts.labels !== false) {
    const labels = parseLabels(common.label);
    if (labels) metadata['labels'] = labels;
  }
  const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata };
  if (Object.keys(stringData).length > 0) secret['stringData'] = stringData;
  if (opts.type) secret['type'] = opts.type;
  return secret;
}

/** goJsonString quotes a string like Go's encoding/json: HTML characters and line separators escaped. */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}
