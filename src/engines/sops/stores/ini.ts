import { SopsFormatError } from '../errors.ts';
import type { Metadata } from '../metadata.ts';
import { Branch, Comment, type Item } from '../tree.ts';
import { valToString } from './dotenv.ts';
import { attachMetadata, decodeUtf8, extractMetadata, hasTopLevelKey, type Store } from './store.ts';

/**
 * IniStore is sops' INI format, read and written the way gopkg.in/ini.v1 (sops' INI library) does with sops'
 * options: each section is a mapping of string values (the implicit `DEFAULT` section included), `;`/`#` comments
 * attach to the next section or key, inline comments start at any `#` or `;`, values are aligned, and metadata
 * is a flattened `[sops]` section with escaped newlines.
 */
export class IniStore implements Store {
  readonly format = 'ini' as const;

  loadPlain(data: Uint8Array): Branch[] {
    return [parseIni(decodeUtf8(data, 'ini'))];
  }

  emitPlain(branches: Branch[]): Uint8Array {
    return Buffer.from(emitIni(branches), 'utf8');
  }

  loadEncrypted(data: Uint8Array): { branches: Branch[]; metadata: Metadata } {
    return extractMetadata(this.loadPlain(data), 'belowTop', true);
  }

  emitEncrypted(branches: Branch[], metadata: Metadata): Uint8Array {
    return this.emitPlain(attachMetadata(branches, metadata, 'belowTop', true));
  }

  hasMetadata(branches: Branch[]): boolean {
    return hasTopLevelKey(branches);
  }
}

interface Section {
  name: string;
  comment: string;
  keys: { name: string; value: string; comment: string }[];
}

function stripCommentChar(c: string): string {
  if (c.startsWith(';')) return c.replace(/^[; ]+/, '');
  if (c.startsWith('#')) return c.replace(/^[# ]+/, '');
  return c;
}

function readValue(first: string, rest: string[]): { value: string; comment: string } {
  let line = first.trimStart();
  if (line === '') return { value: '', comment: '' };
  const quote = line.length > 3 && line.startsWith('"""') ? '"""' : line.startsWith('`') ? '`' : '';
  if (quote) {
    const body = line.slice(quote.length);
    const pos = body.lastIndexOf(quote);
    if (pos >= 0) return { value: body.slice(0, pos), comment: '' };
    let value = body;
    for (;;) {
      const next = rest.shift();
      if (next === undefined) throw new SopsFormatError('ini document: unterminated quoted value');
      const end = next.indexOf(quote);
      if (end >= 0) return { value: value + '\n' + next.slice(0, end), comment: '' };
      value += '\n' + next;
    }
  }
  line = line.trim();
  while (line.endsWith('\\')) {
    const next = rest.shift();
    line = line.slice(0, -1) + (next === undefined ? '' : next.trim());
  }
  let comment = '';
  const i = line.search(/[#;]/);
  if (i >= 0) {
    comment = line.slice(i);
    line = line.slice(0, i).trim();
  }
  if (line.length >= 2 && (line[0] === "'" || line[0] === '"') && line[line.length - 1] === line[0]) {
    line = line.slice(1, -1);
  }
  return { value: line, comment };
}

function parseIni(text: string): Branch {
  const sections: Section[] = [{ name: 'DEFAULT', comment: '', keys: [] }];
  let current = sections[0] as Section;
  let pending = '';
  const lines = text.split('\n');
  while (lines.length > 0) {
    const raw = lines.shift() ?? '';
    const line = raw.trimStart();
    if (line.trim() === '') continue;
    if (line.startsWith('#') || line.startsWith(';')) {
      pending += line + '\n';
      continue;
    }
    if (line.startsWith('[')) {
      const close = line.lastIndexOf(']');
      if (close < 0) throw new SopsFormatError('ini document: unclosed section header');
      const after = line.slice(close + 1);
      const ci = after.search(/[#;]/);
      if (ci >= 0) pending += after.slice(ci);
      current = { name: line.slice(1, close), comment: pending.trim(), keys: [] };
      sections.push(current);
      pending = '';
      continue;
    }
    const d = line.search(/[=:]/);
    if (d < 0) throw new SopsFormatError('ini document: key-value delimiter not found');
    let name = line.slice(0, d).trim();
    if (name === '') throw new SopsFormatError('ini document: empty key name');
    if (name.length >= 2 && (name[0] === '"' || name[0] === '`') && name[name.length - 1] === name[0]) {
      name = name.slice(1, -1);
    }
    const { value, comment } = readValue(line.slice(d + 1), lines);
    pending += comment;
    const existing = current.keys.find((k) => k.name === name);
    if (existing) {
      existing.value = value;
      existing.comment = pending.trim();
    } else current.keys.push({ name, value, comment: pending.trim() });
    pending = '';
  }
  return new Branch(
    sections.map((s) => {
      const items: Item[] = [];
      if (s.comment) items.push({ key: new Comment(stripCommentChar(s.comment)), value: null });
      for (const k of s.keys) {
        items.push({ key: k.name, value: k.value });
        if (k.comment) items.push({ key: new Comment(stripCommentChar(k.comment)), value: null });
      }
      return { key: s.name, value: new Branch(items) };
    }),
  );
}

function commentLines(c: string, trimPlain: boolean): string {
  return c
    .split('\n')
    .filter((l) => l !== '')
    .map((l) =>
      l[0] !== '#' && l[0] !== ';' ? '; ' + (trimPlain ? l.trim() : l) + '\n' : `${l[0]} ${l.slice(1).trim()}\n`,
    )
    .join('');
}

function emitIni(branches: Branch[]): string {
  const sections: Section[] = [];
  for (const b of branches) {
    for (const item of b.items) {
      if (item.key instanceof Comment) continue;
      if (!(item.value instanceof Branch)) {
        throw new SopsFormatError('ini document: section values should always be mappings');
      }
      const s: Section = { name: item.key, comment: '', keys: [] };
      const entries = [...item.value.items];
      const first = entries[0];
      if (first && first.key instanceof Comment) {
        s.comment = first.key.value;
        entries.shift();
      }
      let last: Section['keys'][number] | undefined;
      for (const e of entries) {
        if (e.key instanceof Comment) {
          if (last) last.comment = e.key.value;
          continue;
        }
        const value = valToString(e.value);
        const existing = s.keys.find((k) => k.name === e.key);
        if (existing) existing.value = value;
        else s.keys.push((last = { name: e.key, value, comment: '' }));
        last = existing ?? last;
      }
      sections.push(s);
    }
  }
  let out = '';
  sections.forEach((s, i) => {
    out += commentLines(s.comment, false);
    // ini.v1 writes no header for a leading DEFAULT section, and skips it entirely when it has no keys.
    if (i > 0 || s.name.toUpperCase() !== 'DEFAULT') out += `[${s.name}]\n`;
    else if (s.keys.length === 0) return;
    const names = s.keys.map((k) => {
      if (k.name.includes('"') || /[=:]/.test(k.name)) return '`' + k.name + '`';
      if (k.name.includes('`')) return '"""' + k.name + '"""';
      return k.name;
    });
    const align = Math.max(0, ...names.map((n) => Buffer.byteLength(n, 'utf8')));
    s.keys.forEach((k, j) => {
      const name = names[j] ?? k.name;
      out += commentLines(k.comment, true);
      let v = k.value;
      if (/[\n`]/.test(v)) v = '"""' + v + '"""';
      else if (/[#;]/.test(v)) v = '`' + v + '`';
      else if (v.trim().length !== v.length) v = '"' + v + '"';
      out += name + ' '.repeat(align - Buffer.byteLength(name, 'utf8')) + ' = ' + v + '\n';
    });
    if (i < sections.length - 1) out += '\n';
  });
  return out;
}
