/** Sprig's path functions: Go's `path` (slash-separated) and `path/filepath` (identical on Linux, as Helm runs). */
import { BOOL, goFunc, STRING, type FuncMap } from '../gotemplate/index.ts';

/** clean is path.Clean: shortest equivalent path, `.` for empty, `..` resolved lexically. */
export function clean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** base is path.Base: last element, trailing slashes removed; `.` for empty, `/` for only slashes. */
export function base(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** dir is path.Dir: Clean of everything before the last slash. */
export function dir(p: string): string {
  return clean(p.slice(0, p.lastIndexOf('/') + 1));
}

/** ext is path.Ext: from the last dot of the last element, or "". */
export function ext(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

export function pathFunctions(): FuncMap {
  const str = { type: STRING };
  const bool = { type: BOOL };
  return {
    base: goFunc([STRING], base, str),
    dir: goFunc([STRING], dir, str),
    clean: goFunc([STRING], clean, str),
    ext: goFunc([STRING], ext, str),
    isAbs: goFunc([STRING], (p) => p.startsWith('/'), bool),
    osBase: goFunc([STRING], base, str),
    osClean: goFunc([STRING], clean, str),
    osDir: goFunc([STRING], dir, str),
    osExt: goFunc([STRING], ext, str),
    osIsAbs: goFunc([STRING], (p) => p.startsWith('/'), bool),
  };
}
