import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** ClusterCredentials are generated anew for every control plane and written with owner-only permissions. */
export interface ClusterCredentials {
  /** Bearer token of the admin user (group system:masters). */
  adminToken: string;
  /** Static token file for kube-apiserver's --token-auth-file. */
  tokenFile: string;
  /** Service-account signing key pair (PEM) for tokens issued by the apiserver and kube-controller-manager. */
  serviceAccountKey: string;
  serviceAccountPublicKey: string;
}

/**
 * generateCredentials writes a fresh admin token and service-account key pair into dir. A static token keeps the
 * client side free of X.509 work; the apiserver makes its own self-signed serving certificate in --cert-dir.
 */
export async function generateCredentials(dir: string): Promise<ClusterCredentials> {
  const adminToken = randomBytes(32).toString('hex');
  const tokenFile = join(dir, 'tokens.csv');
  await writeFile(tokenFile, `${adminToken},admin,admin,"system:masters"\n`, { mode: 0o600 });
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const serviceAccountKey = join(dir, 'sa.key');
  const serviceAccountPublicKey = join(dir, 'sa.pub');
  await writeFile(serviceAccountKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(serviceAccountPublicKey, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o600 });
  return { adminToken, tokenFile, serviceAccountKey, serviceAccountPublicKey };
}
