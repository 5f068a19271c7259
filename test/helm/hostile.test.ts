// Hostile charts where helm itself has no answer to compare with (it runs out of memory or stack and crashes with
// exit code 2): `fluxts helm template` must fail in bounded time and memory with a clear error. The chart is the
// corpus' `hostile` chart, whose harmless modes the differential test compares with helm.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { runHelm } from '../../src/cli/commands/helm.ts';

const DIR = join(import.meta.dirname, 'corpus/hostile');

async function template(mode: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runHelm(['template', 'rel', './chart', '--set', mode], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: DIR,
    env: {},
  });
  return { code, stdout, stderr };
}

describe('hostile charts fail with a clear error where helm crashes', () => {
  const cases: [mode: string, error: RegExp][] = [
    // helm: "fatal error: out of memory" (a goroutine stack of 1 GB); Helm's 1000-level guard covers include only.
    ['mode=tplself', /error calling tpl: tpl nested more than 1000 levels deep \(a value that renders itself\?\)\n/],
    // helm allocates the whole gigabyte (and 20 GB for the nested form, which kills it).
    ['mode=repeat,n=1000000000', /repeat: the result would be 1000000000 bytes, over the limit of 67108864 bytes/],
    ['mode=repeatNested', /repeat: the result would be 20000000000 bytes, over the limit of 67108864 bytes/],
    ['mode=until,n=100000000', /untilStep: the result would have 100000000 elements, over the limit of 4194304/],
    ['mode=indentHuge', /indent: the result would be 1000000001 bytes, over the limit of 67108864 bytes/],
  ];
  for (const [mode, error] of cases) {
    it(mode, async () => {
      const r = await template(mode);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^Error: template: hostile\/templates\/cm\.yaml:\d+:\d+: executing/);
      assert.match(r.stderr, error);
    });
  }
});
