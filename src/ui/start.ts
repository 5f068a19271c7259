// Everything `fluxts ui` and `fluxts dev` start: the clusters' caches, the app's bundle and the server.
import type { KubeConfig } from '../kube/index.ts';
import type { AuthMode } from './auth.ts';
import { ensureBundle } from './bundle.ts';
import { FluxCache } from './cache.ts';
import { clustersFromKubeConfig } from './clusters.ts';
import { startUiServer, type UiTls } from './server.ts';

/** UiOptions are the flags of `fluxts ui`. */
export interface UiOptions {
  kubeConfig: KubeConfig;
  /** contexts to show (default: the current one); allContexts shows every context of the kubeconfig. */
  contexts?: string[];
  allContexts?: boolean;
  address?: string;
  readOnly?: boolean;
  auth?: AuthMode;
  /** tls serves HTTPS with this certificate and key. */
  tls?: UiTls;
}

/** RunningUiApp is a started UI: its URL, auth mode, and stop(). */
export interface RunningUiApp {
  url: string;
  auth: AuthMode;
  cache: FluxCache;
  stop(): Promise<void>;
}

/** startUi starts watching the clusters and serving the UI; it resolves once the server listens. */
export async function startUi(opts: UiOptions): Promise<RunningUiApp> {
  const clusters = clustersFromKubeConfig(opts.kubeConfig, {
    ...(opts.contexts ? { contexts: opts.contexts } : {}),
    ...(opts.allContexts ? { all: true } : {}),
  });
  const assets = await ensureBundle();
  const cache = new FluxCache(clusters);
  cache.start();
  try {
    const server = await startUiServer(cache, {
      address: opts.address ?? '127.0.0.1:9080',
      readOnly: opts.readOnly ?? false,
      assets,
      ...(opts.auth ? { auth: opts.auth } : {}),
      ...(opts.tls ? { tls: opts.tls } : {}),
    });
    return {
      url: server.url,
      auth: server.auth,
      cache,
      async stop() {
        await server.close();
        await cache.stop();
      },
    };
  } catch (err) {
    await cache.stop();
    throw err;
  }
}
