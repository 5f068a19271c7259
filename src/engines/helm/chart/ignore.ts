import { BadPatternError, goMatch } from './match.ts';

/**
 * `.helmignore` rules as Helm reads them: one pattern per line (trimmed; blank lines and `#` comments skipped),
 * `**` refused, a trailing `/` for directories only, a leading `/` anchoring at the chart root, patterns with a `/`
 * matched against the whole relative path and others against the base name, all with Go's filepath.Match. A `!`
 * rule is not gitignore's: it ignores everything that does NOT match it. The first rule that decides wins.
 */

interface Rule {
  negate: boolean;
  mustDir: boolean;
  pattern: string;
  /** scope: match the whole path ('path') or only the base name ('base'). */
  scope: 'path' | 'base';
}

/** IgnoreError is a `.helmignore` Helm refuses (its message is Helm's). */
export class IgnoreError extends Error {}

export class IgnoreRules {
  private readonly rules: Rule[] = [];

  /** parse reads a .helmignore text (a UTF-8 BOM on the first line is dropped). */
  static parse(text: string): IgnoreRules {
    const r = new IgnoreRules();
    const lines = text.replace(/^\ufeff/, '').split(/\r?\n/);
    // bufio.Scanner yields no final empty line for a trailing newline; an empty rule is skipped anyway.
    for (const line of lines) r.add(line);
    return r;
  }

  /** addDefaults adds Helm's built-in rule: hidden files under templates/. */
  addDefaults(): void {
    this.add('templates/.?*');
  }

  add(line: string): void {
    let rule = line.trim();
    if (rule === '' || rule.startsWith('#')) return;
    if (rule.includes('**')) throw new IgnoreError('double-star (**) syntax is not supported');
    try {
      goMatch(rule, 'abc');
    } catch (err) {
      if (err instanceof BadPatternError) throw new IgnoreError(err.message);
      throw err;
    }
    let negate = false;
    let mustDir = false;
    if (rule.startsWith('!')) {
      negate = true;
      rule = rule.slice(1);
    }
    if (rule.endsWith('/')) {
      mustDir = true;
      rule = rule.slice(0, -1);
    }
    let scope: Rule['scope'] = 'base';
    if (rule.startsWith('/')) {
      rule = rule.slice(1);
      scope = 'path';
    } else if (rule.includes('/')) {
      scope = 'path';
    }
    this.rules.push({ negate, mustDir, pattern: rule, scope });
  }

  /** ignore decides for a chart-relative slash path; `isDir` tells directories apart. */
  ignore(path: string, isDir: boolean): boolean {
    if (path === '' || path === '.' || path === './') return false;
    for (const r of this.rules) {
      const matches = (): boolean => {
        const subject = r.scope === 'base' ? baseName(path) : path;
        try {
          return goMatch(r.pattern, subject);
        } catch {
          return false;
        }
      };
      if (r.negate) {
        if (r.mustDir && !isDir) return true;
        if (!matches()) return true;
        continue;
      }
      if (r.mustDir && !isDir) continue;
      if (matches()) return true;
    }
    return false;
  }
}

function baseName(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return p === '' ? '.' : '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
