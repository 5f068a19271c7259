import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitCredentials, GitProxy } from './credentials.ts';
import { GitInvalidUrlError } from './errors.ts';
import { opensshIdentity } from './openssh-key.ts';

/**
 * GitSession is the environment one fetch runs git in: an empty HOME, no system/global config, no prompts,
 * protocol allow-list, and the credentials as config-by-environment and 0600 temp files, so no secret ever
 * reaches argv. `redact` removes every secret value from text before it goes into an error.
 */
export interface GitSession {
  /** url is the repository URL without userinfo password: what goes into argv. */
  url: string;
  /** displayUrl is the URL for messages (userinfo password masked). */
  displayUrl: string;
  env: Record<string, string>;
  redact(text: string): string;
  dispose(): Promise<void>;
}

/** openSession prepares the environment; always dispose() it. */
export async function openSession(rawUrl: string, creds: GitCredentials = {}, proxy?: GitProxy): Promise<GitSession> {
  let u: URL;
  try {
    u = new URL(rawUrl);
  } catch (cause) {
    throw new GitInvalidUrlError(`URL ${JSON.stringify(scrubUrl(rawUrl))} cannot be parsed`, { cause });
  }
  if (!['http:', 'https:', 'ssh:'].includes(u.protocol)) {
    throw new GitInvalidUrlError(
      `URL ${scrubUrl(rawUrl)} has unsupported scheme ${u.protocol} (want http, https or ssh)`,
    );
  }
  const c: GitCredentials = { ...creds };
  const secrets: string[] = [];
  if (u.password !== '') {
    // Userinfo in an HTTP URL is basic auth; never pass it on the command line.
    if (u.protocol !== 'ssh:' && c.username === undefined && c.bearerToken === undefined) {
      c.username = decodeURIComponent(u.username);
      c.password = decodeURIComponent(u.password);
    }
    secrets.push(u.password, decodeURIComponent(u.password));
    u.password = '';
  }
  const home = await mkdtemp(join(tmpdir(), 'fluxts-git-'));
  await chmod(home, 0o700);
  const file = async (name: string, content: string): Promise<string> => {
    const p = join(home, name);
    await writeFile(p, content.endsWith('\n') ? content : `${content}\n`, { mode: 0o600 });
    return p;
  };
  const config: [string, string][] = [
    ['protocol.allow', 'never'],
    ['protocol.http.allow', 'always'],
    ['protocol.https.allow', 'always'],
    ['protocol.ssh.allow', 'always'],
    ['advice.detachedHead', 'false'],
    ['init.defaultBranch', 'fluxts'],
    ['credential.helper', ''],
  ];
  const origin = `${u.protocol}//${u.host}/`;
  if (c.bearerToken !== undefined) {
    secrets.push(c.bearerToken);
    config.push([`http.${origin}.extraHeader`, `Authorization: Bearer ${c.bearerToken}`]);
  } else if (c.username !== undefined && c.password !== undefined && u.protocol !== 'ssh:') {
    const basic = Buffer.from(`${c.username}:${c.password}`).toString('base64');
    secrets.push(c.password, basic);
    config.push([`http.${origin}.extraHeader`, `Authorization: Basic ${basic}`]);
  }
  if (c.caCert !== undefined) config.push(['http.sslCAInfo', await file('ca.crt', c.caCert)]);
  if (c.tlsCert !== undefined && c.tlsKey !== undefined) {
    config.push(['http.sslCert', await file('tls.crt', c.tlsCert)], ['http.sslKey', await file('tls.key', c.tlsKey)]);
  }
  if (proxy !== undefined) {
    const p = new URL(proxy.address);
    if (proxy.username !== undefined) p.username = encodeURIComponent(proxy.username);
    if (proxy.password !== undefined) {
      p.password = encodeURIComponent(proxy.password);
      secrets.push(proxy.password, encodeURIComponent(proxy.password));
    }
    config.push(['http.proxy', p.toString()], ['http.proxyAuthMethod', 'basic']);
  }
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C',
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  // No proxy from our own environment: only spec.proxySecretRef applies (it overrides HTTPS_PROXY in Flux).
  if (proxy === undefined) {
    for (const k of [
      'HTTPS_PROXY',
      'https_proxy',
      'HTTP_PROXY',
      'http_proxy',
      'ALL_PROXY',
      'all_proxy',
      'NO_PROXY',
      'no_proxy',
    ]) {
      const v = process.env[k];
      if (v !== undefined) env[k] = v;
    }
  }
  if (u.protocol === 'ssh:') {
    const ssh = ['ssh', '-F', '/dev/null', '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=yes'];
    ssh.push('-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'PasswordAuthentication=no');
    ssh.push('-o', 'KbdInteractiveAuthentication=no', '-o', 'PreferredAuthentications=publickey');
    ssh.push('-o', `UserKnownHostsFile=${await file('known_hosts', c.knownHosts ?? '')}`);
    if (c.identity !== undefined) ssh.push('-i', await file('identity', opensshIdentity(c.identity)));
    if (c.identityPassphrase !== undefined && c.identityPassphrase !== '') {
      // ssh asks the passphrase through SSH_ASKPASS: a script that prints a 0600 file, so it is never in env/argv.
      secrets.push(c.identityPassphrase);
      const pass = await file(`pass-${randomBytes(4).toString('hex')}`, c.identityPassphrase);
      const script = await file('askpass.sh', `#!/bin/sh\nexec cat ${shellQuote(pass)}\n`);
      await chmod(script, 0o700);
      env['SSH_ASKPASS'] = script;
      env['SSH_ASKPASS_REQUIRE'] = 'force';
    } else {
      ssh.push('-o', 'BatchMode=yes');
    }
    env['GIT_SSH_COMMAND'] = ssh.map(shellQuote).join(' ');
    env['GIT_SSH_VARIANT'] = 'ssh';
  }
  env['GIT_CONFIG_COUNT'] = String(config.length);
  config.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  const nonEmpty = [...new Set(secrets.filter((s) => s.length >= 3))].sort((a, b) => b.length - a.length);
  return {
    url: u.toString(),
    displayUrl: scrubUrl(u.toString()),
    env,
    redact: (t) => scrubUrl(nonEmpty.reduce((acc, s) => acc.split(s).join('***'), t)),
    dispose: () => rm(home, { recursive: true, force: true }),
  };
}

/** scrubUrl removes userinfo passwords from any URL in text (`https://u:p@h` → `https://u:***@h`). */
export function scrubUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*):[^\s/@]*@/giu, '$1$2:***@');
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=@:+-]+$/u.test(s) ? s : `'${s.replace(/'/gu, `'\\''`)}'`;
}
