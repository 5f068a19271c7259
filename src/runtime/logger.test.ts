import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';

import { consoleDestination, createLogger, reconcileLogger } from './logger.ts';

void test('logs are JSON lines in Flux shape with the reconcile bindings', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const root = createLogger('info', sink);
  const log = reconcileLogger(root, {
    controller: 'gitrepository',
    group: 'source.toolkit.fluxcd.io',
    kind: 'GitRepository',
    namespace: 'flux-system',
    name: 'podinfo',
    reconcileID: 'id-1',
  });
  log.info('stored artifact');
  log.debug('hidden at info level');
  await new Promise((r) => setImmediate(r));
  assert.equal(lines.length, 1);
  const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.equal(entry['level'], 'info');
  assert.match(String(entry['ts']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(entry['msg'], 'stored artifact');
  assert.equal(entry['controller'], 'gitrepository');
  assert.equal(entry['controllerGroup'], 'source.toolkit.fluxcd.io');
  assert.equal(entry['controllerKind'], 'GitRepository');
  assert.deepEqual(entry['GitRepository'], { name: 'podinfo', namespace: 'flux-system' });
  assert.equal(entry['name'], 'podinfo');
  assert.equal(entry['namespace'], 'flux-system');
  assert.equal(entry['reconcileID'], 'id-1');
  assert.equal('pid' in entry || 'hostname' in entry, false);
});

void test('console encoding prints zap-style tab-separated lines', async () => {
  const out: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(chunk.toString());
      cb();
    },
  });
  const log = createLogger('info', consoleDestination(sink));
  log.child({ controller: 'gitrepository' }).info('stored artifact');
  await new Promise((r) => setImmediate(r));
  assert.match(out.join(''), /^\d{4}-\d\d-\d\dT[\d:.]+Z\tINFO\tstored artifact\t\{"controller":"gitrepository"\}\n$/);
});
