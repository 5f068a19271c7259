import { SopsFormatError } from '../errors.ts';
import { formatFloatG } from '../../../util/go-float.ts';
import type { Metadata } from '../metadata.ts';
import { Branch, Comment, TimeValue, type Item, type Value } from '../tree.ts';
import { attachMetadata, decodeUtf8, extractMetadata, type Store } from './store.ts';

/**
 * valToString is sops' ValToString, used by the flat formats for non-string values: floats in Go's %G form (with
 * a `.0` when that has no point), booleans `true`/`false`.
 */
export function valToString(v: Value): string {
  if (typeof v === 'number') {
    const g = formatFloatG(v, 'E');
    if (!g.includes('.') && !g.includes('E') && Number.isFinite(v)) return v.toFixed(1);
    return g;
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof TimeValue) return v.text;
  throw new SopsFormatError('flat document: complex values cannot be written');
}

/**
 * DotenvStore is sops' dotenv format: `KEY=value` lines (`\n` escapes newlines), `#` comment lines, metadata as
 * `sops_`-prefixed flattened keys.
 */
export class DotenvStore implements Store {
  readonly format = 'dotenv' as const;

  loadPlain(data: Uint8Array): Branch[] {
    const items: Item[] = [];
    for (const line of decodeUtf8(data, 'dotenv').split('\n')) {
      if (line === '') continue;
      if (line.startsWith('#')) {
        items.push({ key: new Comment(line.slice(1)), value: null });
        continue;
      }
      const pos = line.indexOf('=');
      if (pos < 0) throw new SopsFormatError('dotenv document: invalid line (no "=")');
      items.push({ key: line.slice(0, pos), value: line.slice(pos + 1).replaceAll('\\n', '\n') });
    }
    return [new Branch(items)];
  }

  emitPlain(branches: Branch[]): Uint8Array {
    let out = '';
    for (const item of branches[0]?.items ?? []) {
      if (item.value instanceof Branch || Array.isArray(item.value)) {
        throw new SopsFormatError(
          `dotenv document: cannot use complex value; offending key ${item.key instanceof Comment ? '(comment)' : item.key}`,
        );
      }
      if (item.key instanceof Comment) out += `#${item.key.value}\n`;
      else {
        const v = typeof item.value === 'string' ? item.value.replaceAll('\n', '\\n') : valToString(item.value);
        out += `${item.key}=${v}\n`;
      }
    }
    return Buffer.from(out, 'utf8');
  }

  loadEncrypted(data: Uint8Array): { branches: Branch[]; metadata: Metadata } {
    return extractMetadata(this.loadPlain(data), 'full');
  }

  emitEncrypted(branches: Branch[], metadata: Metadata): Uint8Array {
    return this.emitPlain(attachMetadata(branches, metadata, 'full'));
  }

  hasMetadata(branches: Branch[]): boolean {
    return branches[0]?.items.some((i) => typeof i.key === 'string' && i.key.startsWith('sops_')) ?? false;
  }
}
