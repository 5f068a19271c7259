/**
 * compileGlob is gobwas/glob (v0.2.3) with `/` as the separator, as `.Files.Glob` uses it: `*` any run without
 * `/`, `**` any run, `?` one character except `/`, `[abc]`, `[a-z]`, `[!abc]` classes, `{a,b}` alternatives, `\`
 * escaping. Returns undefined for a pattern gobwas refuses (Helm then matches everything).
 */
export function compileGlob(pattern: string): RegExp | undefined {
  const chars = Array.from(pattern);
  let i = 0;
  const parse = (inAlt: boolean): string | undefined => {
    let out = '';
    while (i < chars.length) {
      const c = chars[i]!;
      if (inAlt && (c === ',' || c === '}')) return out;
      i++;
      switch (c) {
        case '\\': {
          if (i >= chars.length) return undefined;
          out += escape(chars[i++]!);
          break;
        }
        case '*':
          if (chars[i] === '*') {
            while (chars[i] === '*') i++;
            out += '[\\s\\S]*';
          } else out += '[^/]*';
          break;
        case '?':
          out += '[^/]';
          break;
        case '[': {
          let cls = '';
          let negate = false;
          if (chars[i] === '!') {
            negate = true;
            i++;
          }
          let closed = false;
          let count = 0;
          while (i < chars.length) {
            const d = chars[i++]!;
            if (d === ']') {
              closed = true;
              break;
            }
            if (d === '\\') {
              if (i >= chars.length) return undefined;
              cls += escape(chars[i++]!);
            } else if (chars[i] === '-' && chars[i + 1] !== undefined && chars[i + 1] !== ']') {
              const hi = chars[i + 1]!;
              i += 2;
              if (hi.codePointAt(0)! < d.codePointAt(0)!) return undefined;
              cls += `${escape(d)}-${escape(hi)}`;
            } else cls += escape(d);
            count++;
          }
          if (!closed || count === 0) return undefined;
          out += negate ? `[^${cls}]` : `[${cls}]`;
          break;
        }
        case '{': {
          const alts: string[] = [];
          for (;;) {
            const alt = parse(true);
            if (alt === undefined || i >= chars.length) return undefined;
            alts.push(alt);
            const sep = chars[i++];
            if (sep === '}') break;
          }
          out += `(?:${alts.join('|')})`;
          break;
        }
        default:
          out += escape(c);
      }
    }
    return inAlt ? undefined : out;
  };
  const body = parse(false);
  if (body === undefined) return undefined;
  return new RegExp(`^${body}$`, 'u');
}

function escape(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}
