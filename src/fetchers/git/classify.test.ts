import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyGitFailure } from './classify.ts';

// stderr samples captured from Debian 12's git 2.39 / OpenSSH 9.2 / curl 7.88 against the test servers.
const samples: [string, string, string][] = [
  [
    'host key changed',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\nIT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\nHost key for [127.0.0.1]:45697 has changed and you have requested strict checking.\nHost key verification failed.\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n',
    'host-key',
  ],
  [
    'host key unknown',
    'No ED25519 host key is known for [127.0.0.1]:4000 and you have requested strict checking.\nHost key verification failed.\nfatal: Could not read from remote repository.\n',
    'host-key',
  ],
  [
    'ssh denied',
    'git@127.0.0.1: Permission denied (publickey).\nfatal: Could not read from remote repository.\n',
    'auth',
  ],
  ['bad key', 'Load key "/tmp/x/identity": error in libcrypto\ngit@h: Permission denied (publickey).\n', 'bad-secret'],
  ['http 401', "fatal: Authentication failed for 'http://127.0.0.1:1/app.git/'\n", 'auth'],
  [
    'no creds',
    "error: unable to read askpass response from '/bin/false'\nfatal: could not read Username for 'http://127.0.0.1:1': No such device or address\n",
    'auth',
  ],
  [
    'refused',
    "fatal: unable to access 'http://127.0.0.1:1/a.git/': Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server\n",
    'unreachable',
  ],
  [
    'ssh refused',
    'ssh: connect to host 127.0.0.1 port 1: Connection refused\nfatal: Could not read from remote repository.\n',
    'unreachable',
  ],
  [
    'dns',
    "fatal: unable to access 'https://nope.invalid/a.git/': Could not resolve host: nope.invalid\n",
    'unreachable',
  ],
  [
    'tls',
    "fatal: unable to access 'https://127.0.0.1:1/a.git/': server certificate verification failed. CAfile: none CRLfile: none\n",
    'tls',
  ],
  [
    'ssh repo missing',
    "fatal: '/srv/none.git' does not appear to be a git repository\nfatal: Could not read from remote repository.\n",
    'ref-not-found',
  ],
  ['http repo missing', "fatal: repository 'http://127.0.0.1:1/none.git/' not found\n", 'ref-not-found'],
  ['ref missing', "fatal: couldn't find remote ref refs/heads/nope\n", 'ref-not-found'],
  ['other', 'fatal: something odd happened\n', 'operation'],
];

void test('classifyGitFailure explains the askpass dance after a 401', () => {
  const e = classifyGitFailure(
    'git repository X',
    "error: unable to read askpass response from '/bin/false'\nfatal: could not read Username for 'http://127.0.0.1:1': terminal prompts disabled\n",
  );
  assert.equal(
    e.message,
    'git repository X: authentication required: http://127.0.0.1:1 rejected the credentials (or none were given)',
  );
});

for (const [name, stderr, kind] of samples) {
  void test(`classifyGitFailure: ${name} → ${kind}`, () => {
    const e = classifyGitFailure('git repository X', stderr);
    assert.equal(e.kind, kind);
    assert.ok(e.message.startsWith('git repository X: '));
    assert.ok(!e.message.includes('@@@@') && !e.message.includes('correct access rights'), e.message);
  });
}
