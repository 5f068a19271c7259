import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { adler32, TagStore, tagsChecksum } from './tagstore.ts';

const root = mkdtempSync(join(tmpdir(), 'fluxts-tagstore-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('TagStore', () => {
  it('adler32 matches the known test vector', () => {
    assert.equal(adler32(Buffer.from('Wikipedia')), 0x11e60398);
    assert.equal(adler32(new Uint8Array(100_000).fill(255)), adler32(Buffer.alloc(100_000, 255)));
    assert.equal(tagsChecksum([]), String(adler32(Buffer.from('[]'))));
  });

  it('keeps tags across instances (a restart), plain and gzipped, and forgets deleted repositories', async () => {
    const key = { namespace: 'apps', name: 'web' };
    const a = new TagStore(root, { compressionThreshold: 32 });
    assert.equal(await a.tags(key), undefined);
    const small = ['v2', 'v1'];
    assert.equal(await a.setTags(key, small), tagsChecksum(small));
    assert.deepEqual(await new TagStore(root, { compressionThreshold: 32 }).tags(key), small);
    assert.deepEqual(readdirSync(join(root, 'imagerepository/apps/web')), ['tags.txt']);
    const big = Array.from({ length: 20 }, (_, i) => `1.0.${i}`);
    await a.setTags(key, big);
    assert.deepEqual(readdirSync(join(root, 'imagerepository/apps/web')), ['tags.txt.gz']);
    assert.deepEqual(await new TagStore(root).tags(key), big);
    await a.setTags(key, []);
    assert.deepEqual(await new TagStore(root).tags(key), []);
    await a.delete(key);
    assert.equal(await new TagStore(root).tags(key), undefined);
  });
});
