import { spawn } from 'node:child_process';
import { classifyGitFailure } from './classify.ts';
import { GitTimeoutError } from './errors.ts';
import type { GitSession } from './session.ts';

/** GitRunOptions bounds one git invocation. */
export interface GitRunOptions {
  cwd?: string;
  /** deadline is an absolute Date.now() value after which git (and its ssh) is killed. */
  deadline: number;
  /** subject starts any error message, e.g. "git fetch https://host/repo.git". */
  subject: string;
}

/**
 * runGit runs git with argv (never a shell) in the session's environment, in its own process group so a
 * timeout also kills the ssh or curl helpers it spawned. Failures become classified GitErrors whose
 * messages are redacted by the session.
 */
export function runGit(session: GitSession, args: string[], opts: GitRunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: opts.cwd,
      env: session.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let errBytes = 0;
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      // Keep the first 64 KiB of stderr: enough to classify, bounded for runaway output.
      if (errBytes < 65536) err.push(d);
      errBytes += d.length;
    });
    let timedOut = false;
    const ms = Math.max(1, opts.deadline - Date.now());
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, ms);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(classifyGitFailure(opts.subject, session.redact(e.message)));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new GitTimeoutError(`${opts.subject}: timed out after ${ms} ms`, { hint: 'raise spec.timeout' }));
      } else if (code === 0) {
        resolve(Buffer.concat(out).toString('utf8'));
      } else {
        reject(classifyGitFailure(opts.subject, session.redact(Buffer.concat(err).toString('utf8'))));
      }
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
