// Throwaway TLS material for the golden cases (`--ca-crt-file`, `--tls-crt-file`, `--tls-key-file`), made once per
// test process with openssl rather than committed: a CA, a client certificate it signed with its key, and an
// unrelated key for the mismatch case. Both CLIs read the same files, so the bytes don't matter.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | undefined;

/** tlsMaterialDir returns a directory holding ca.crt, client.crt, client.key and other.key. */
export function tlsMaterialDir(): string {
  if (dir) return dir;
  const out = mkdtempSync(join(tmpdir(), 'fluxts-create-tls-'));
  const openssl = (args: string[]): void => void execFileSync('openssl', args, { cwd: out, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=fluxts-test-ca', '-days', '2']);
  openssl(['req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=fluxts-test-client']);
  openssl([
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'client.crt',
    '-days',
    '2',
  ]);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', 'other.key']);
  dir = out;
  return out;
}
