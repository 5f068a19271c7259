// TLS material for `create secret tls|helm`: the Secret data flux's runtime/secrets package builds, with the same
// checks (a certificate needs its key, and the pair must match).
import { createPrivateKey, X509Certificate } from 'node:crypto';

import { CreateInputError } from './common.ts';
import { readCredentialFile } from './secret-common.ts';

/** TlsFiles are the paths given with --tls-crt-file, --tls-key-file and --ca-crt-file. */
export interface TlsFiles {
  crt: string;
  key: string;
  ca: string;
}

/** TlsData is the file content read from TlsFiles ('' when not given). */
export interface TlsData {
  crt: string;
  key: string;
  ca: string;
}

/** readTlsFiles reads the given files, naming a file that cannot be read. */
export async function readTlsFiles(files: TlsFiles): Promise<TlsData> {
  return {
    ca: files.ca ? await readCredentialFile(files.ca, 'unable to read TLS CA file') : '',
    crt: files.crt ? await readCredentialFile(files.crt, 'failed to read cert file') : '',
    key: files.key ? await readCredentialFile(files.key, 'failed to read key file') : '',
  };
}

/** tlsSecretData validates TLS data and returns the Secret's stringData and type. */
export function tlsSecretData(data: TlsData): { stringData: Record<string, string>; type: string } {
  const hasCert = data.crt !== '';
  const hasKey = data.key !== '';
  if (hasCert !== hasKey) {
    throw new CreateInputError(
      hasCert
        ? 'found certificate but missing private key: add --tls-key-file'
        : 'found private key but missing certificate: add --tls-crt-file',
    );
  }
  if (!hasCert && data.ca === '') {
    throw new CreateInputError(
      'no CA certificate or client certificate pair found: set --ca-crt-file, or --tls-crt-file with --tls-key-file',
    );
  }
  const stringData: Record<string, string> = {};
  let type = 'Opaque';
  if (hasCert) {
    checkPair(data.crt, data.key);
    stringData['tls.crt'] = data.crt;
    stringData['tls.key'] = data.key;
    type = 'kubernetes.io/tls';
  }
  if (data.ca !== '') stringData['ca.crt'] = data.ca;
  return { stringData, type };
}

function checkPair(crt: string, key: string): void {
  let ok: boolean;
  try {
    ok = new X509Certificate(crt).checkPrivateKey(createPrivateKey(key));
  } catch (err) {
    throw new CreateInputError(
      'invalid TLS certificate and key pair: the files are not a PEM certificate and private key',
      {
        cause: err,
      },
    );
  }
  if (!ok) throw new CreateInputError('invalid TLS certificate and key pair: private key does not match public key');
}
