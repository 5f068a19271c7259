// The fluxts web UI: session, live stream, views by URL, theme. Bundled by esbuild (src/ui/bundle.ts).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';

import './styles.css';
import { api, ApiError, type SessionInfo, setCsrf } from './api.ts';
import { Notice } from './common.tsx';
import { startLive, useLive } from './live.ts';
import { onLinkClick, useRoute } from './router.ts';
import { DiffPage } from './views/DiffPage.tsx';
import { Login } from './views/Login.tsx';
import { ObjectPage } from './views/ObjectPage.tsx';
import { Overview } from './views/Overview.tsx';

type Theme = 'system' | 'light' | 'dark';

function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset['theme'];
  else document.documentElement.dataset['theme'] = theme;
}

function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem('fluxts-theme') as Theme | null) ?? 'system');
  useEffect(() => {
    applyTheme(theme);
    localStorage.setItem('fluxts-theme', theme);
  }, [theme]);
  return (
    <label class="theme">
      Theme
      <select aria-label="Theme" value={theme} onChange={(e) => setTheme(e.currentTarget.value as Theme)}>
        <option value="system">system</option>
        <option value="light">light</option>
        <option value="dark">dark</option>
      </select>
    </label>
  );
}

function Shell({ session, onLogout }: { session: SessionInfo; onLogout: () => void }) {
  const route = useRoute();
  const live = useLive();
  useEffect(startLive, []);
  useEffect(() => {
    if (route.view === 'overview') document.title = 'fluxts';
  }, [route.view]);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a href="/" class="brand">
          fluxts
        </a>
        <span class="live" role="status" aria-live="polite">
          {live.connected ? '● live' : '○ reconnecting…'}
        </span>
        <span class="spacer" />
        <span class="user">{session.user}</span>
        {session.readOnly && <span class="tag">read-only</span>}
        <ThemeToggle />
        {session.mode === 'token' && (
          <button type="button" onClick={onLogout}>
            Sign out
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {route.view === 'overview' && <Overview live={live} query={route.query} />}
        {route.view === 'object' && <ObjectPage live={live} session={session} {...route} />}
        {route.view === 'diff' && <DiffPage {...route} />}
      </main>
    </>
  );
}

function App() {
  const [session, setSession] = useState<SessionInfo | undefined>();
  const [needLogin, setNeedLogin] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const accept = (s: SessionInfo): void => {
    setCsrf(s.csrf);
    setSession(s);
    setNeedLogin(false);
  };
  useEffect(() => {
    api.session().then(accept, (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) setNeedLogin(true);
      else setError(err instanceof Error ? err.message : String(err));
    });
  }, []);
  if (error) return <Notice kind="error">{error}</Notice>;
  if (needLogin) return <Login onSession={accept} />;
  if (!session) return <p aria-busy="true">Loading…</p>;
  const logout = (): void => {
    void api.logout().finally(() => location.assign('/'));
  };
  return <Shell session={session} onLogout={logout} />;
}

applyTheme((localStorage.getItem('fluxts-theme') as Theme | null) ?? 'system');
document.addEventListener('click', onLinkClick);
render(<App />, document.getElementById('app')!);
