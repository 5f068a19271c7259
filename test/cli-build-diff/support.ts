// Helpers of the build/diff tests: run fluxts (through run-cli.ts, a child process) and the real flux CLI with the
// same arguments, and copy fixtures to private directories (flux's on-disk build writes into --path and restores it).
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHARED_FIXTURES } from '../support/fixtures.ts';

/** RunResult is the outcome of one process. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

const RUN_CLI = join(import.meta.dirname, 'run-cli.ts');

/** run spawns a command without a shell and collects its output. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** fluxts runs `fluxts args…` in a node child process with build and diff registered. */
export function fluxts(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<RunResult> {
  return run(process.execPath, [RUN_CLI, ...args], env, cwd);
}

/** copyFixture copies a directory to a fresh writable temp directory and returns the copy's path. */
export function copyFixture(src: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fluxts-build-diff-'));
  const dest = join(dir, 'repo');
  cpSync(src, dest, { recursive: true });
  return dest;
}

/** snapshot maps every file below dir to its content, to prove a build left the directory untouched. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(p, readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** FIXTURES is the shared, read-only fixture repositories (vendored under test/fixtures/shared). */
export const FIXTURES = SHARED_FIXTURES;
