// The generated bash script is run by real bash with COMP_WORDS set as bash's completion would set them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { Command } from 'commander';

import { bashScript, completionTable } from './completion.ts';
import { registerGetCommand } from './get.ts';
import { registerReconcileCommand } from './reconcile.ts';

function program(): Command {
  const p = new Command('fluxts');
  registerGetCommand(p);
  registerReconcileCommand(p);
  return p;
}

function complete(words: string[]): string[] {
  const script = bashScript('fluxts', completionTable(program()));
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const run = `${script}\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _fluxts; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', run], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l !== '');
}

test('bash completion offers the commands, kind words and flags of the tree', () => {
  assert.deepEqual(complete(['fluxts', 're']), ['reconcile']);
  assert.deepEqual(complete(['fluxts', 'get', 'sources', '']), ['all', 'bucket', 'chart', 'git', 'helm', 'oci']);
  assert.deepEqual(complete(['fluxts', 'get', '-A', 'so']), ['source', 'sources']);
  assert.deepEqual(complete(['fluxts', 'reconcile', 'kustomization', '--with']), ['--with-source']);
  assert.deepEqual(complete(['fluxts', 'get', '--all']), ['--all-namespaces']);
});
