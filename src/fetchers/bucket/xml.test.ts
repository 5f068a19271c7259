import assert from 'node:assert/strict';
import { test } from 'node:test';

import { childrenNamed, childText, decodeEntities, parseXml, XmlError } from './xml.ts';

test('parseXml reads an S3 listing with entities, CDATA and attributes', () => {
  const doc = parseXml(`<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <!-- a comment -->
  <Name>b</Name><IsTruncated>true</IsTruncated>
  <Contents><Key>a &amp; b&#x2F;c&#46;yaml</Key><ETag>&quot;abc&quot;</ETag></Contents>
  <Contents><Key><![CDATA[x<y>]]></Key><ETag/></Contents>
</ListBucketResult>`);
  assert.equal(doc.name, 'ListBucketResult');
  assert.equal(doc.attributes.xmlns, 'http://s3.amazonaws.com/doc/2006-03-01/');
  assert.equal(childText(doc, 'IsTruncated'), 'true');
  const keys = childrenNamed(doc, 'Contents').map((c) => [childText(c, 'Key'), childText(c, 'ETag')]);
  assert.deepEqual(keys, [
    ['a & b/c.yaml', '"abc"'],
    ['x<y>', ''],
  ]);
});

test('parseXml refuses malformed documents', () => {
  for (const bad of ['<a><b></a>', '<a>', 'text', '<a/><b/>', '<!DOCTYPE x><a/>', '<a>&bogus;</a>']) {
    assert.throws(() => parseXml(bad), XmlError, bad);
  }
  assert.equal(decodeEntities('&lt;&gt;&apos;'), "<>'");
});
