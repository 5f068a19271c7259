import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { test } from 'node:test';

import { answerQuery } from './dns.ts';

const names = new Map([['source-controller.flux-system.svc.cluster.local', '10.96.0.17']]);
const lookup = (n: string): string | undefined => names.get(n.toLowerCase());

test('a real resolver finds Services by their cluster name, and nothing else', async () => {
  const server = createSocket('udp4');
  server.on('message', (msg, from) => {
    const answer = answerQuery(msg, lookup);
    if (answer) server.send(answer, from.port, from.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  try {
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${server.address().port}`]);
    assert.deepEqual(await resolver.resolve4('source-controller.flux-system.svc.cluster.local'), ['10.96.0.17']);
    assert.deepEqual(await resolver.resolve4('Source-Controller.flux-system.svc.cluster.local.'), ['10.96.0.17']);
    await assert.rejects(resolver.resolve4('missing.flux-system.svc.cluster.local'), { code: 'ENOTFOUND' });
    await assert.rejects(resolver.resolve6('source-controller.flux-system.svc.cluster.local'), { code: 'ENODATA' });
  } finally {
    server.close();
  }
});

test('malformed messages and answers are ignored', () => {
  assert.equal(answerQuery(Buffer.alloc(5), lookup), undefined);
  const response = Buffer.alloc(17);
  response.writeUInt16BE(0x8000, 2);
  response.writeUInt16BE(1, 4);
  assert.equal(answerQuery(response, lookup), undefined);
  const truncated = Buffer.alloc(14);
  truncated.writeUInt16BE(1, 4);
  truncated.writeUInt8(40, 12);
  assert.equal(answerQuery(truncated, lookup), undefined);
});
