// `node scripts/krusty-conformance.ts [--dumps DIR] [--json FILE] [--verbose] [--load-restrictions-none] [TestName...]`
//
// Measures how src/engines/kustomize conforms to kustomize's own acceptance suite (api/krusty/*_test.go of the
// api module kustomize v5.8.2 is built from). The suite is Go code that builds in-memory kustomizations, so it is
// not copied here; instead:
//   1. the api module is fetched through the Go module proxy and copied to a scratch directory;
//   2. scripts/kustomize/fluxts_dump.go wraps krusty's Kustomizer.Run so that every build a test asks for is recorded
//      (its files, directory and options), and `go test ./krusty/` runs the suite once;
//   3. every recorded case is written to disk and built twice, with the real kustomize v5.8.2 binary
//      (`kustomize build`, as a user runs it: legacy sort order) and with fluxts.
// A case passes when both succeed with identical bytes, or both fail. Cases that need what Flux itself turns off
// (non-built-in plugins, helm inflation, remote bases, the managed-by label option) are counted apart as out of
// scope. The summary prints the pass rate over in-scope cases; each failing case names its test and test file line.
// The recorded cases stay in a temporary directory the script names: `--dumps DIR` rebuilds them without running
// the Go suite again. `--load-restrictions-none` builds every case as Flux's controller does (kustomize's
// LoadRestrictionsNone, fluxts' loadRestrictions 'none'), instead of each test's own load restrictor.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { parseArgs } from 'node:util';

import { build, KustomizeBuildError, nodeFileSystem } from '../src/engines/kustomize/index.ts';
import { KUSTOMIZE, kustomizeBinary } from '../test/kustomize/reference.ts';
import { copyApiModule, go, KUSTOMIZE_API as KRUSTY_API } from './kustomize/api-module.ts';

/** RecordedCase is one build a krusty test ran, as fluxts_dump.go wrote it. */
interface RecordedCase {
  test: string;
  file: string;
  line: number;
  index: number;
  path: string;
  root: string;
  onDisk: boolean;
  loadRestrictionsNone: boolean;
  pluginsEnabled: boolean;
  helmEnabled: boolean;
  addManagedByLabel: boolean;
  /** Go's encoding/json writes []byte as base64. */
  files: Record<string, string> | null;
  dirs: string[] | null;
  krustyOk: boolean;
  krustyError?: string;
}

/**
 * A case passes when both tools build identical bytes or both reject it with an error; an engine crash (anything but
 * a KustomizeBuildError) never passes, even where kustomize fails too, since users must get a typed, clear error.
 */
type Verdict =
  'pass' | 'differs' | 'fails-where-kustomize-builds' | 'accepts-kustomize-error' | 'crashes' | 'out-of-scope';

interface Outcome {
  id: string;
  where: string;
  verdict: Verdict;
  detail: string;
  /** Whether the reference kustomize binary rejected the case (undefined when out of scope). */
  kustomizeFails?: boolean;
}

const { values, positionals } = parseArgs({
  options: {
    dumps: { type: 'string' },
    json: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    'load-restrictions-none': { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

/** recordCases runs the krusty suite with the recording hook and returns the directory of recorded cases. */
function recordCases(): string {
  const copy = copyApiModule();
  const kustomizer = join(copy, 'krusty', 'kustomizer.go');
  const source = readFileSync(kustomizer, 'utf8');
  const renamed = source.replace('func (b *Kustomizer) Run(', 'func (b *Kustomizer) runInner(');
  if (renamed === source) throw new Error(`${kustomizer}: Kustomizer.Run not found; the recording hook needs updating`);
  writeFileSync(kustomizer, renamed);
  cpSync(join(import.meta.dirname, 'kustomize', 'fluxts_dump.go'), join(copy, 'krusty', 'fluxts_dump.go'));
  const dumps = join(dirname(copy), 'cases');
  mkdirSync(dumps);
  process.stderr.write(
    `running kustomize's krusty suite (${KRUSTY_API.module}@${KRUSTY_API.version}) to record its cases\n`,
  );
  // Tests needing helm, container runtimes or the network fail here; that is fine, their builds are out of scope.
  const run = go(['test', '-count=1', './krusty/'], copy, { FLUXTS_KRUSTY_DUMP: dumps });
  if (readdirSync(dumps).length === 0) throw new Error(`the krusty suite recorded no case:\n${run.out.slice(-4000)}`);
  process.stderr.write(`recorded ${readdirSync(dumps).length} cases in ${dumps} (--dumps ${dumps} reuses them)\n`);
  return dumps;
}

/** outOfScope names what a case needs that Flux's kustomize-controller itself turns off, or undefined. */
function outOfScope(c: RecordedCase): string | undefined {
  if (c.pluginsEnabled || c.helmEnabled) return 'non-built-in plugins or helm (Flux disables them)';
  if (/Remote/.test(c.test)) return 'remote bases';
  if (c.addManagedByLabel) return 'the managed-by label build option';
  if (c.onDisk && c.files === null) return 'on-disk files outside a temporary directory';
  return undefined;
}

/**
 * materialize writes a case's files under `dir` and returns the directory to build. An in-memory case goes to
 * `dir/fs`, and each of its top-level entries is linked again beside `fs`: in kustomize's in-memory file system the
 * parent of `/` is `/` itself, so a kustomization at the root may name `../base` and mean `/base`; the links keep
 * such cases buildable on disk (otherwise both tools would fail alike and the case would pass for no reason).
 */
function materialize(c: RecordedCase, dir: string): string {
  const root = c.onDisk ? c.root : '/';
  const base = c.onDisk ? dir : join(dir, 'fs');
  const local = (p: string): string => join(base, posix.relative(root, posix.resolve(root, p)));
  mkdirSync(base, { recursive: true });
  for (const d of c.dirs ?? []) mkdirSync(local(d), { recursive: true });
  for (const [p, data] of Object.entries(c.files ?? {})) {
    mkdirSync(dirname(local(p)), { recursive: true });
    writeFileSync(local(p), Buffer.from(data, 'base64'));
  }
  if (!c.onDisk) for (const entry of readdirSync(base)) symlinkSync(join('fs', entry), join(dir, entry));
  return local(c.path);
}

function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  let i = 0;
  while (i < a.length && i < e.length && a[i] === e[i]) i++;
  return `line ${i + 1}: ours ${JSON.stringify(a[i] ?? '<end>')} kustomize ${JSON.stringify(e[i] ?? '<end>')}`;
}

function judge(c: RecordedCase, bin: string, scratch: string): Outcome {
  const id = `${c.test}#${c.index}`;
  const where = `${c.file}:${c.line}`;
  const scope = outOfScope(c);
  if (scope) return { id, where, verdict: 'out-of-scope', detail: scope };
  const caseDir = join(scratch, `${c.test}-${c.index}`);
  const target = materialize(c, caseDir);
  const args = ['build', target];
  const none = c.loadRestrictionsNone || values['load-restrictions-none'];
  if (none) args.push('--load-restrictor', 'LoadRestrictionsNone');
  const ref = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  let ours: { ok: boolean; out: string; crash?: string };
  try {
    const opts = { fs: nodeFileSystem, loadRestrictions: none ? 'none' : 'rootOnly' } as const;
    ours = { ok: true, out: build(target, opts).yaml };
  } catch (err) {
    ours =
      err instanceof KustomizeBuildError
        ? { ok: false, out: err.message }
        : { ok: false, out: '', crash: String((err as Error).stack ?? err) };
  }
  const kustomizeFails = ref.status !== 0;
  const outcome = (verdict: Verdict, detail = ''): Outcome => ({ id, where, verdict, detail, kustomizeFails });
  if (ours.crash !== undefined) return outcome('crashes', ours.crash.split('\n').slice(0, 3).join(' | '));
  const refErr = ref.stderr.trim().split('\n').slice(-1)[0] ?? '';
  // Where both reject, the detail keeps both messages so that --json shows whether fluxts fails for the same reason.
  if (kustomizeFails) {
    return ours.ok
      ? outcome('accepts-kustomize-error', refErr)
      : outcome('pass', `ours: ${ours.out} | kustomize: ${refErr}`);
  }
  if (!ours.ok) return outcome('fails-where-kustomize-builds', ours.out.split('\n')[1] ?? '');
  if (ours.out !== ref.stdout) return outcome('differs', firstDifference(ours.out, ref.stdout));
  return outcome('pass');
}

const dumps = values.dumps ?? recordCases();
const bin = await kustomizeBinary();
const scratch = mkdtempSync(join(tmpdir(), 'fluxts-krusty-cases-'));
const outcomes: Outcome[] = [];
try {
  for (const name of readdirSync(dumps).sort()) {
    const c = JSON.parse(readFileSync(join(dumps, name), 'utf8')) as RecordedCase;
    if (positionals.length > 0 && !positionals.includes(c.test)) continue;
    outcomes.push(judge(c, bin, scratch));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const count = (v: Verdict): number => outcomes.filter((o) => o.verdict === v).length;
for (const o of outcomes) {
  if (o.verdict === 'pass' || (o.verdict === 'out-of-scope' && !values.verbose)) continue;
  console.log(`${o.verdict.padEnd(28)} ${o.id.padEnd(60)} ${o.where}\n    ${o.detail}`);
}
const inScope = outcomes.length - count('out-of-scope');
const passed = count('pass');
const percent = (n: number, of: number): string => `${((100 * n) / Math.max(1, of)).toFixed(1)}%`;
// The second figure is how often fluxts accepts what kustomize rejects (the "expected errors accepted").
const rejected = outcomes.filter((o) => o.kustomizeFails === true).length;
const accepted = count('accepts-kustomize-error');
console.log(
  `krusty conformance (${KRUSTY_API.module}@${KRUSTY_API.version} cases vs kustomize ${KUSTOMIZE.version}): ` +
    `${passed}/${inScope} in-scope cases pass (${percent(passed, inScope)}); ` +
    `differs ${count('differs')}, fails where kustomize builds ${count('fails-where-kustomize-builds')}, ` +
    `accepts a kustomize error ${accepted}, crashes ${count('crashes')}; out of scope ${count('out-of-scope')}; ` +
    `kustomize errors on ${rejected} in-scope cases, fluxts accepts ${accepted}/${rejected} ` +
    `(${percent(accepted, rejected)})`,
);
if (values.json) writeFileSync(values.json, JSON.stringify(outcomes, null, 2));
