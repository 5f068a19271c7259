import assert from 'node:assert/strict';
import { test } from 'node:test';

import { kubeConfigFromSecret, KubeConfigSecretError } from './impersonation.ts';
import type { KubeObject } from '../client/index.ts';

function secretWith(kubeconfig: string, key = 'value'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'remote', namespace: 'apps' },
    data: { [key]: Buffer.from(kubeconfig).toString('base64') },
  };
}

const kubeconfig = (cluster: string, user: string): string =>
  [
    'current-context: r',
    `clusters: [{name: c, cluster: {server: "https://remote.example", ${cluster}}}]`,
    'contexts: [{name: r, context: {cluster: c, user: u}}]',
    `users: [{name: u, user: {${user}}}]`,
  ].join('\n');

void test('a kubeconfig Secret with inline credentials loads', () => {
  const kc = kubeConfigFromSecret(secretWith(kubeconfig('certificate-authority-data: Q0E=', 'token: t'), 'value.yaml'));
  assert.equal(kc.getCurrentCluster()?.server, 'https://remote.example');
  assert.equal(kc.getCurrentCluster()?.caData?.toString(), 'CA');
});

void test('a kubeconfig Secret may not read controller files, run exec plugins or skip TLS unless allowed', () => {
  const refused = (text: string, pattern: RegExp, policy = {}): void => {
    assert.throws(
      () => kubeConfigFromSecret(secretWith(text), undefined, policy),
      (err: unknown) => {
        assert.ok(err instanceof KubeConfigSecretError);
        assert.match(err.message, pattern);
        assert.doesNotMatch(err.message, /secret-token-value/);
        return true;
      },
    );
  };
  refused(
    kubeconfig('insecure-skip-tls-verify: false', 'tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token'),
    /^failed to load KubeConfig from secret 'apps\/remote': .*tokenFile must be an inline token/,
  );
  refused(
    kubeconfig('certificate-authority: /etc/ssl/ca.pem', 'token: secret-token-value'),
    /certificate-authority must be inline/,
  );
  const exec = kubeconfig('certificate-authority-data: Q0E=', 'exec: {command: /bin/sh, args: [-c, "id"]}');
  refused(exec, /exec credential plugin, which is not allowed \(start the controller with --insecure-kubeconfig-exec/);
  assert.ok(kubeConfigFromSecret(secretWith(exec), undefined, { allowExec: true }).getCurrentUser()?.exec);
  const insecure = kubeconfig('insecure-skip-tls-verify: true', 'token: secret-token-value');
  refused(insecure, /disables TLS verification.*--insecure-kubeconfig-tls/);
  assert.ok(kubeConfigFromSecret(secretWith(insecure), undefined, { allowInsecureTls: true }));
  refused('clusters: [unclosed secret-token-value', /not valid YAML/);
});
