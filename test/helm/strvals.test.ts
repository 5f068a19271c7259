import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  parseInto,
  parseIntoString,
  parseJson,
  parseLiteralInto,
  StrvalsError,
} from '../../src/engines/helm/values/strvals.ts';
import type { ValueMap } from '../../src/engines/helm/values/value.ts';
import { HelmRef } from './helmref.ts';
import { typed } from './typed.ts';

/** Differential tests of the --set family against Helm v4.2.4's strvals package. */

type Kind = 'set' | 'set-string' | 'set-json' | 'set-literal';

const PARSERS: Record<Kind, (input: string, dest: ValueMap) => void> = {
  set: parseInto,
  'set-string': parseIntoString,
  'set-json': parseJson,
  'set-literal': parseLiteralInto,
};

const SET_CASES: string[] = [
  'a=b',
  'a=1,b=2',
  'a.b.c=1',
  'a=true,b=FALSE,c=null,d=0,e=00,f=01,g=-5,h=+7,i=1.5,j=1e3,k=0x10,l=9223372036854775807,m=9223372036854775808',
  'a={x,y,z}',
  'a={}',
  'a={x}',
  'a={x,y',
  'a[0]=x',
  'a[2]=x',
  'a[0].b=1,a[1].c=2',
  'a[0][1]=x',
  'a[1]=x,a[0]=y',
  'a\\.b=c',
  'a=b\\,c',
  'a=',
  'a',
  'a,b=c',
  'a.=b',
  '.a=b',
  'a..b=c',
  'a[=x',
  'a[x]=y',
  'a[-1]=x',
  'a[65536]=x',
  'a[65537]=x',
  'a[0]x=y',
  'a[0',
  'a[0]',
  'a=b,a.c=d',
  'a.c=d,a=b',
  'a=x,a[0]=y',
  'a[0]=x,a.b=y',
  'a[0]=x,a[0][0]=y',
  'a[0]=x,a[0].b=y',
  'name=value with spaces',
  'emoji=😀,ü=é',
  'x=a=b',
  'x=,y=1',
  'x=1,',
  Array.from({ length: 32 }, (_, i) => `k${i}`).join('.') + '=v',
  Array.from({ length: 30 }, (_, i) => `k${i}`).join('.') + '=v',
];

const JSON_CASES: string[] = [
  'a={"b":1}',
  'a=[1,2,"x"]',
  'a=1.5,b=true,c=null,d="s"',
  'a=',
  'a= ,b=2',
  'a.b=[{"c":1}]',
  'a[0]={"x":1}',
  'a=invalid',
  'a={"b":',
  'a="x" ,b=1',
];

const LITERAL_CASES: string[] = ['a=b,c=d', 'a.b=x\\y', 'a[0]=1,2,3', 'a==', 'a', 'a[x]=1', 'a.b', 'a[1].b=c'];

describe('--set family matches Helm v4.2.4 strvals', () => {
  let ref: HelmRef;
  before(async () => {
    ref = await HelmRef.start();
  });
  after(() => ref.close());

  const run = (inputs: string[], kinds: Kind[]): { value: string } | { error: string } => {
    const dest: ValueMap = new Map();
    try {
      inputs.forEach((input, i) => PARSERS[kinds[i]!](input, dest));
      return { value: typed(dest) };
    } catch (err) {
      if (err instanceof StrvalsError) return { error: err.message };
      throw err;
    }
  };

  const compare = async (cases: [string[], Kind[]][]): Promise<void> => {
    const failures: string[] = [];
    for (const [inputs, kinds] of cases) {
      const want = await ref.ask({ op: 'strvals', inputs, kinds });
      const got = run(inputs, kinds);
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        failures.push(
          `${kinds.join(',')} ${JSON.stringify(inputs)}\n  want ${JSON.stringify(want)}\n  got  ${JSON.stringify(got)}`,
        );
      }
    }
    assert.deepEqual(failures, []);
  };

  it('parses --set and --set-string lines', async () => {
    await compare([
      ...SET_CASES.map((c): [string[], Kind[]] => [[c], ['set']]),
      ...SET_CASES.map((c): [string[], Kind[]] => [[c], ['set-string']]),
    ]);
  });

  it('parses --set-json and --set-literal lines', async () => {
    await compare([
      ...JSON_CASES.map((c): [string[], Kind[]] => [[c], ['set-json']]),
      ...LITERAL_CASES.map((c): [string[], Kind[]] => [[c], ['set-literal']]),
    ]);
  });

  it('merges successive flags into the same values, failing on type conflicts as Helm does', async () => {
    await compare([
      [
        ['a.b=1', 'a.c=2'],
        ['set', 'set'],
      ],
      [
        ['a=x', 'a.b=1'],
        ['set', 'set'],
      ],
      [
        ['a=x', 'a[0]=1'],
        ['set', 'set'],
      ],
      [
        ['a[0]=1', 'a.b=2'],
        ['set', 'set-string'],
      ],
      [
        ['a={"b":1}', 'a.c=2'],
        ['set-json', 'set'],
      ],
      [
        ['a=1', 'a.b=2'],
        ['set-json', 'set-literal'],
      ],
      [
        ['a[0]=x', 'a[0][1]=y'],
        ['set', 'set'],
      ],
      [
        ['a=null', 'a.b=1'],
        ['set', 'set'],
      ],
    ]);
  });
});
