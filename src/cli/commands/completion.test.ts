// The generated scripts run in the real shells: bash with COMP_WORDS set as its completion would set them, zsh with
// compadd (with -P) and compdef stubbed (the completion system itself needs a terminal), fish through `complete -C`. Each script
// must also pass the shell's syntax check. A shell that is not installed skips its tests with the package to
// install (Debian: zsh, fish; PowerShell is not in Debian and is checked only when pwsh is on PATH).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { Command } from 'commander';

import { runnableControllers } from '../../controllers/index.ts';
import { bashScript, completionScript, completionTable, fishScript, valueFlags, zshScript } from './completion.ts';
import { registerControllerCommand } from './controller.ts';
import { registerGetCommand } from './get.ts';
import { registerReconcileCommand } from './reconcile.ts';

function program(): Command {
  const p = new Command('fluxts');
  registerGetCommand(p);
  registerReconcileCommand(p);
  return p;
}

const table = completionTable(program());
const flags = valueFlags(program());

/** missing says why a shell's tests are skipped, or false when it is installed. */
function missing(shell: string, pkg: string): string | false {
  const r = spawnSync(shell, ['-c', 'exit 0']);
  return r.error || r.status !== 0 ? `${shell} is not installed (install it with: apt-get install ${pkg})` : false;
}

function scriptFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fluxts-completion-')), name);
  writeFileSync(file, text);
  return file;
}

test('`controller` completes to the runnable controllers of the registry and `all`', () => {
  const p = new Command('fluxts');
  registerControllerCommand(p);
  const words = completionTable(p).get('controller') ?? [];
  assert.ok(words.includes('all'));
  assert.ok(words.includes('--storage-path'));
  for (const c of runnableControllers()) assert.ok(words.includes(c.name), c.name);
});

const lines = (out: string): string[] => out.split('\n').filter((l) => l !== '');

describe('bash', () => {
  function complete(words: string[]): string[] {
    const script = bashScript('fluxts', table, flags);
    const quoted = words.map((w) => `'${w}'`).join(' ');
    const run = `${script}\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _fluxts; printf '%s\\n' "\${COMPREPLY[@]}"`;
    return lines(execFileSync('bash', ['-c', run], { encoding: 'utf8' }));
  }

  test('syntax', () => {
    execFileSync('bash', ['-n', scriptFile('fluxts.bash', bashScript('fluxts', table, flags))]);
  });

  test('offers the commands, kind words and flags of the tree', () => {
    assert.deepEqual(complete(['fluxts', 're']), ['reconcile']);
    assert.deepEqual(complete(['fluxts', 'get', 'sources', '']), [
      'all',
      'bucket',
      'chart',
      'external',
      'git',
      'helm',
      'oci',
    ]);
    assert.deepEqual(complete(['fluxts', 'get', '-A', 'so']), ['source', 'sources']);
    assert.deepEqual(complete(['fluxts', 'reconcile', 'kustomization', '--with']), ['--with-source']);
    assert.deepEqual(complete(['fluxts', 'get', '--all']), ['--all-namespaces']);
  });

  test('a flag that takes a value: its value is skipped in the path and completed from its choices', () => {
    assert.deepEqual(complete(['fluxts', 'get', '-n', 'flux-system', 'sources', '']), [
      'all',
      'bucket',
      'chart',
      'external',
      'git',
      'helm',
      'oci',
    ]);
    assert.deepEqual(complete(['fluxts', 'get', '--namespace', 'x', 'so']), ['source', 'sources']);
    assert.deepEqual(complete(['fluxts', 'get', 'ks', '--output', 'y']), ['yaml']);
    assert.deepEqual(complete(['fluxts', 'get', 'ks', '-o', '']), ['json', 'table', 'yaml']);
    // Bash splits `--output=ya` into `--output`, `=`, `ya`.
    assert.deepEqual(complete(['fluxts', 'get', 'ks', '--output', '=', 'ya']), ['yaml']);
    assert.deepEqual(complete(['fluxts', 'get', '--output', '=', 'json', 'so']), ['source', 'sources']);
    // A free-form value offers no commands (bash falls back to file names).
    assert.deepEqual(complete(['fluxts', 'get', 'ks', '-n', '']), []);
  });
});

describe('zsh', { skip: missing('zsh', 'zsh') }, () => {
  const file = scriptFile('_fluxts', zshScript('fluxts', table, flags));
  /** complete runs the completion function with `words`/CURRENT as compsys sets them; compadd prints. */
  function complete(words: string[]): string[] {
    const arr = words.map((w) => `'${w}'`).join(' ');
    const run = `compdef() { :; }; compadd() { local p=''; if [[ $1 == -P ]]; then p=$2; shift 2; fi; shift; for w in "$@"; do print -r -- "$p$w"; done; }; source ${file}; words=(${arr}); CURRENT=${words.length}; _fluxts`;
    return lines(execFileSync('zsh', ['-f', '-c', run], { encoding: 'utf8' }));
  }

  test('syntax', () => {
    execFileSync('zsh', ['-n', file]);
  });

  test('completes sub-commands and flags (zsh filters them by the typed prefix)', () => {
    assert.deepEqual(complete(['fluxts', '']), ['get', 'reconcile']);
    assert.deepEqual(complete(['fluxts', 'get', 'sources', '']), [
      'all',
      'bucket',
      'chart',
      'external',
      'git',
      'helm',
      'oci',
    ]);
    assert.deepEqual(complete(['fluxts', '-A', 'get', 'images', 'p']), ['all', 'policy', 'repository', 'update']);
    assert.ok(complete(['fluxts', 'reconcile', 'hr', '--']).includes('--force'));
  });

  test('skips flag values in the path and completes them from their choices', () => {
    assert.deepEqual(complete(['fluxts', 'get', '-n', 'flux-system', 'sources', '']), [
      'all',
      'bucket',
      'chart',
      'external',
      'git',
      'helm',
      'oci',
    ]);
    assert.deepEqual(complete(['fluxts', 'get', 'ks', '--output', '']), ['json', 'table', 'yaml']);
    assert.deepEqual(complete(['fluxts', 'get', 'ks', '--output=']), [
      '--output=json',
      '--output=table',
      '--output=yaml',
    ]);
    assert.deepEqual(complete(['fluxts', 'get', 'ks', '-n', '']), []);
  });
});

describe('fish', { skip: missing('fish', 'fish') }, () => {
  const file = scriptFile('fluxts.fish', fishScript('fluxts', table, flags));
  function complete(line: string): string[] {
    const out = execFileSync('fish', ['--no-config', '-c', `source ${file}; complete -C ${JSON.stringify(line)}`], {
      encoding: 'utf8',
    });
    return lines(out).map((l) => l.split('\t')[0] ?? '');
  }

  test('syntax', () => {
    execFileSync('fish', ['--no-config', '-n', file]);
    // Sourcing must not print errors (a syntax check does not run the `complete` lines).
    const r = spawnSync('fish', ['--no-config', '-c', `source ${file}`], { encoding: 'utf8' });
    assert.equal(r.stderr, '');
  });

  test('completes sub-commands and flags', () => {
    assert.deepEqual(complete('fluxts '), ['get', 'reconcile']);
    assert.deepEqual(complete('fluxts re'), ['reconcile']);
    assert.deepEqual(complete('fluxts get sources '), ['all', 'bucket', 'chart', 'external', 'git', 'helm', 'oci']);
    assert.deepEqual(complete('fluxts get -A so'), ['source', 'sources']);
    assert.deepEqual(complete('fluxts reconcile kustomization --with'), ['--with-source']);
  });

  test('skips flag values in the path and completes them from their choices', () => {
    assert.deepEqual(complete('fluxts get -n flux-system sources '), [
      'all',
      'bucket',
      'chart',
      'external',
      'git',
      'helm',
      'oci',
    ]);
    assert.deepEqual(complete('fluxts get ks --output y'), ['yaml']);
    assert.deepEqual(complete('fluxts get ks --output='), ['--output=json', '--output=table', '--output=yaml']);
  });
});

describe('powershell', () => {
  const script = completionScript('powershell', 'fluxts', table, flags);

  test('registers a native completer with the table', () => {
    assert.match(script, /^Register-ArgumentCompleter -Native -CommandName 'fluxts' -ScriptBlock \{$/m);
    assert.match(script, /^ {2}'get sources' = @\('all', 'bucket', 'chart', 'external', 'git', 'helm', 'oci'\)$/m);
  });

  test('syntax and completion in pwsh', { skip: missing('pwsh', 'powershell (Microsoft package feed)') }, () => {
    const file = scriptFile('fluxts.ps1', script);
    const run = `. ${file}; (TabExpansion2 -inputScript 'fluxts get sources ' -cursorColumn 19).CompletionMatches | ForEach-Object { $_.CompletionText }`;
    const out = execFileSync('pwsh', ['-NoProfile', '-Command', run], { encoding: 'utf8' });
    assert.deepEqual(lines(out), ['all', 'bucket', 'chart', 'external', 'git', 'helm', 'oci']);
  });
});
