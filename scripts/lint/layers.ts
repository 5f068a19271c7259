// The layer rule of ARCHITECTURE.md, as an ESLint rule (`fluxts/layers`) and as a plain checker the test suite runs
// over the whole tree (test/lint/layers.test.ts), so `npm test` fails on a violation as `npm run lint` does.
//
// Two rules for every relative import, re-export and literal dynamic import in a file under src/:
// 1. Imports point down. LAYER_TIERS lists the top folders of src/ bottom to top; a file may import its own top
//    folder or one in a lower tier, never one in its own tier (sideways) or above (up).
// 2. No reaching into another module's internals. A module is a folder with an index.ts (its curated public
//    surface): from outside the folder only index.ts may be imported. The innermost such folder counts, so
//    kube/ssa/index.ts (a room's barrel) is public while kube/ssa/plan.ts is not. Folders without index.ts
//    (util/, devcluster/) are collections of independent files, each public.
// Unit tests beside a module (`*.test.ts`) are checked like the module's own files. Files outside src/ (test/,
// bench/, scripts/) may reach internals: differential tests exercise them on purpose.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** LAYER_TIERS lists src/'s top folders from the bottom tier up; folders in one tier may not import each other. */
export const LAYER_TIERS: readonly (readonly string[])[] = [
  ['util'],
  ['api'],
  ['engines'],
  ['artifacts', 'fetchers', 'devcluster'],
  ['kube'],
  ['runtime'],
  ['controllers'],
  ['ui'],
  ['cli'],
];

const tierOf = new Map<string, number>(LAYER_TIERS.flatMap((tier, i) => tier.map((name) => [name, i] as const)));

/** layerOf returns the top folder of a path relative to src/, e.g. `kube` for `kube/ssa/apply.ts`. */
function layerOf(srcRelative: string): string {
  return srcRelative.split('/')[0] ?? '';
}

/** HasIndex says whether a folder (relative to src/, '' for src itself) holds an index.ts. */
export type HasIndex = (srcRelativeDir: string) => boolean;

/**
 * importViolation returns why `from` may not import `to` (both relative to src/, '/'-separated), or undefined.
 * @example importViolation('runtime/run.ts', 'controllers/index.ts', hasIndex) // 'runtime may not import …'
 */
export function importViolation(from: string, to: string, hasIndex: HasIndex): string | undefined {
  const fromLayer = layerOf(from);
  const toLayer = layerOf(to);
  if (fromLayer !== toLayer) {
    const a = tierOf.get(fromLayer);
    const b = tierOf.get(toLayer);
    if (a === undefined) return `${fromLayer}/ is not in the layer table (scripts/lint/layers.ts)`;
    if (b === undefined) return `${toLayer}/ is not in the layer table (scripts/lint/layers.ts)`;
    if (b > a) return `${fromLayer}/ may not import ${toLayer}/: imports point down the layers, ${toLayer} is above`;
    if (b === a) return `${fromLayer}/ may not import ${toLayer}/: they are peers in one layer`;
  }
  // The innermost folder with an index.ts that holds `to` but not `from` is the module being entered.
  const fromDir = dirname(from);
  for (let dir = dirname(to); dir !== '.' && dir !== ''; dir = dirname(dir)) {
    const inside = fromDir === dir || fromDir.startsWith(`${dir}/`);
    if (inside) return undefined;
    if (hasIndex(dir)) {
      if (to === `${dir}/index.ts`) return undefined;
      return `${to} is internal to ${dir}/: import ${dir}/index.ts (add the symbol to it if it belongs to the module's surface)`;
    }
  }
  return undefined;
}

/** fsHasIndex answers HasIndex from the filesystem under srcRoot, cached. */
export function fsHasIndex(srcRoot: string): HasIndex {
  const cache = new Map<string, boolean>();
  return (dir) => {
    let v = cache.get(dir);
    if (v === undefined) {
      v = existsSync(join(srcRoot, dir, 'index.ts'));
      cache.set(dir, v);
    }
    return v;
  };
}

/** srcRelative returns an absolute path relative to srcRoot with '/' separators, or undefined when outside. */
export function srcRelative(srcRoot: string, file: string): string | undefined {
  const rel = relative(srcRoot, file);
  if (rel.startsWith('..') || rel === '') return undefined;
  return rel.split(sep).join('/');
}

/** checkSpecifier applies importViolation to a specifier written in file (absolute path), or returns undefined. */
export function checkSpecifier(
  srcRoot: string,
  file: string,
  specifier: string,
  hasIndex: HasIndex,
): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const from = srcRelative(srcRoot, file);
  const to = srcRelative(srcRoot, resolve(dirname(file), specifier));
  if (from === undefined || to === undefined) return undefined;
  return importViolation(from, to, hasIndex);
}

interface SourceNode {
  source?: { type: string; value?: unknown } | null;
}
interface RuleContext {
  filename: string;
  report(d: { node: unknown; message: string }): void;
}

/** layersPlugin is the ESLint plugin carrying the `layers` rule for files under srcRoot. */
export function layersPlugin(srcRoot: string) {
  const hasIndex = fsHasIndex(srcRoot);
  return {
    rules: {
      layers: {
        meta: {
          type: 'problem' as const,
          docs: { description: 'imports point down the layers and never into another module’s internals' },
          schema: [],
        },
        create(context: RuleContext) {
          const check = (node: SourceNode): void => {
            const source = node.source;
            if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
            const message = checkSpecifier(srcRoot, context.filename, source.value, hasIndex);
            if (message) context.report({ node: source, message });
          };
          return {
            ImportDeclaration: check,
            ExportAllDeclaration: check,
            ExportNamedDeclaration: check,
            ImportExpression: check,
          };
        },
      },
    },
  };
}
