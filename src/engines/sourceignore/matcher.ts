import { matchPattern, parsePattern, type IgnorePattern } from './pattern.ts';

/** IGNORE_FILE is the per-directory ignore file name Flux reads. */
export const IGNORE_FILE = '.sourceignore';
/** EXCLUDE_VCS are always excluded from Git and OCI artifacts, whatever the user patterns say. */
export const EXCLUDE_VCS = ['.git/', '.gitignore', '.gitmodules', '.gitattributes'] as const;
/** EXCLUDE_EXT are excluded only while the user gave no pattern at all. */
export const EXCLUDE_EXT = ['*.jpg', '*.jpeg', '*.gif', '*.png', '*.wmv', '*.flv', '*.tar.gz', '*.zip'] as const;
/** EXCLUDE_CI are excluded only while the user gave no pattern at all. */
export const EXCLUDE_CI = [
  '.github/',
  '.circleci/',
  '.travis.yml',
  '.gitlab-ci.yml',
  'appveyor.yml',
  '.drone.yml',
  'cloudbuild.yaml',
  'codeship-services.yml',
  'codeship-steps.yml',
] as const;
/** EXCLUDE_EXTRA are excluded only while the user gave no pattern at all. */
export const EXCLUDE_EXTRA = ['**/.goreleaser.yml', '**/.sops.yaml', '**/.flux.yaml'] as const;

/** vcsPatterns returns the EXCLUDE_VCS patterns scoped to domain. */
export function vcsPatterns(domain: readonly string[] = []): IgnorePattern[] {
  return EXCLUDE_VCS.map((p) => parsePattern(p, domain));
}

/** defaultPatterns returns the extension, CI and extra default patterns scoped to domain. */
export function defaultPatterns(domain: readonly string[] = []): IgnorePattern[] {
  return [...EXCLUDE_EXT, ...EXCLUDE_CI, ...EXCLUDE_EXTRA].map((p) => parsePattern(p, domain));
}

/**
 * readPatterns parses gitignore text (a `.sourceignore` file or `spec.ignore`): lines starting with `#` and
 * blank lines are skipped, nothing else is trimmed at the front (as bufio.Scanner + go-git do).
 */
export function readPatterns(text: string, domain: readonly string[] = []): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('#') || line.trim() === '') continue;
    out.push(parsePattern(line, domain));
  }
  return out;
}

/**
 * IgnoreMatcher answers "is this path excluded?" from patterns in increasing priority: the last pattern with
 * an opinion wins, so later `!pattern` lines re-include what earlier ones excluded.
 */
export class IgnoreMatcher {
  readonly patterns: readonly IgnorePattern[];

  constructor(patterns: readonly IgnorePattern[]) {
    this.patterns = patterns;
  }

  /** excludes reports whether path (segments relative to the root) is excluded. */
  excludes(path: readonly string[], isDir: boolean): boolean {
    for (let i = this.patterns.length - 1; i >= 0; i--) {
      const r = matchPattern(this.patterns[i] as IgnorePattern, path, isDir);
      if (r !== 'none') return r === 'exclude';
    }
    return false;
  }
}

/**
 * sourceIgnoreMatcher builds the matcher source-controller archives with: when the user patterns (all
 * `.sourceignore` files, then `spec.ignore`) are empty, VCS + all defaults; otherwise VCS + the user patterns
 * only, i.e. any user pattern drops the extension/CI/extra defaults (fluxcd/pkg `SourceIgnoreFilter`).
 */
export function sourceIgnoreMatcher(userPatterns: readonly IgnorePattern[]): IgnoreMatcher {
  if (userPatterns.length === 0) return new IgnoreMatcher([...vcsPatterns(), ...defaultPatterns()]);
  return new IgnoreMatcher([...vcsPatterns(), ...userPatterns]);
}
