// Sign-in for an exposed UI: a Kubernetes bearer token (a ServiceAccount token, or an OIDC id-token the cluster
// accepts). The server checks it with a TokenReview and keeps only a session; actions impersonate that user.
import { useState } from 'preact/hooks';

import { api, ApiError, type SessionInfo } from '../api.ts';
import { Notice } from '../common.tsx';

/** Login asks for a token and reports the signed-in session. */
export function Login({ onSession }: { onSession: (s: SessionInfo) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    try {
      onSession(await api.login(token));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="login">
      <h1>Sign in to fluxts</h1>
      <p>This UI is shared: sign in with a Kubernetes bearer token. Actions run as you, so your RBAC applies.</p>
      {error && <Notice kind="error">{error}</Notice>}
      <form onSubmit={(e) => void submit(e)}>
        <label for="token">Token</label>
        <textarea
          id="token"
          name="token"
          rows={4}
          autoComplete="off"
          spellcheck={false}
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          required
        />
        <button type="submit" disabled={busy || !token.trim()}>
          Sign in
        </button>
      </form>
    </main>
  );
}
