// Benchmark: N Kustomizations (100, 500, 1000) from one GitRepository, each applying the app of Flux's own
// benchmark (a Deployment scaled to zero, a ServiceAccount, a Service and an Ingress) into its own namespace, on
// a local control plane. Reports the time from creating the objects for a new commit to all Ready, and the peak RSS
// of the controller process (source-controller and kustomize-controller in one process).
// Anchor, Flux v2.9 (flux-benchmark MTTP, 16-core runner, 20 workers): 100 → 26 s, 500 → 2 min 0 s,
// 1000 → 4 min 13 s, kustomize-controller at most 223 MiB.
// Run alone with `node bench/kustomizations.ts [N…]`; bench/run.ts calls runKustomizationBench().
import {
  CONTROLLER_BENCH_HEADER,
  createInBatches,
  type ControllerBenchRow,
  formatBenchRow,
  openBenchEnvironment,
  peakRssMiB,
  waitAllReady,
} from './environment.ts';

const SIZES = [100, 500, 1000];
const FLUX_ANCHOR_S: Record<number, number> = { 100: 26, 500: 120, 1000: 253 };
const gitRepositoryType = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };
const kustomizationType = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };

const APP: Record<string, string> = {
  'app/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n',
  'app/serviceaccount.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n',
  'app/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 0
  selector:
    matchLabels:
      app: app
  template:
    metadata:
      labels:
        app: app
    spec:
      serviceAccountName: app
      containers:
        - name: app
          image: ghcr.io/stefanprodan/podinfo:6.9.0
          ports:
            - containerPort: 9898
              name: http
`,
  'app/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: app
spec:
  selector:
    app: app
  ports:
    - name: http
      port: 80
      targetPort: http
`,
  'app/ingress.yaml': `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app
spec:
  rules:
    - host: app.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: app
                port:
                  name: http
`,
};

/** KustomizationBenchRow is one measured size. */
export type KustomizationBenchRow = ControllerBenchRow;

/** runKustomizationBench measures each size on a fresh control plane and prints a table. */
export async function runKustomizationBench(
  sizes = SIZES,
  concurrent = 10,
  apiFlags: string[] = [],
): Promise<KustomizationBenchRow[]> {
  const rows: KustomizationBenchRow[] = [];
  // The client-side rate limit matters here. Flux's benchmark runs its controllers with the default
  // --kube-api-qps=50/--kube-api-burst=300, which controller-runtime applies per resource; fluxts applies them the
  // same way, so the default run is the like-for-like one. The flags are printed with the figures.
  console.log(
    `Kustomizations from one GitRepository, ${concurrent} workers, ${apiFlags.join(' ') || 'default API rate limits'} ` +
      '(Flux v2.9 anchor: 16 cores, 20 workers)',
  );
  console.log(CONTROLLER_BENCH_HEADER);
  for (const n of sizes) {
    const env = await openBenchEnvironment();
    try {
      await env.git.createRepo('bench').commit({ files: APP, message: 'app' });
      const controller = env.startControllers(['all'], [`--concurrent=${concurrent}`, ...apiFlags]);
      await env.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
      const started = Date.now();
      await env.client.create({
        ...gitRepositoryType,
        metadata: { name: 'bench', namespace: 'bench' },
        spec: { url: env.git.repoUrl('bench'), interval: '1h', ref: { branch: 'main' } },
      });
      await createInBatches(env.client, n, (i) => ({
        ...kustomizationType,
        metadata: { name: `app-${i}`, namespace: 'bench' },
        spec: {
          interval: '1h',
          path: './app',
          prune: true,
          wait: true,
          timeout: '5m',
          targetNamespace: `app-${i}`,
          sourceRef: { kind: 'GitRepository', name: 'bench' },
        },
      }));
      const allReadyMs = await waitAllReady(env.client, kustomizationType, 'bench', n, started);
      const row = { n, allReadyMs, peakRssMiB: peakRssMiB(controller.pid), fluxSeconds: FLUX_ANCHOR_S[n] };
      rows.push(row);
      console.log(formatBenchRow(row));
    } finally {
      await env.close();
    }
  }
  return rows;
}

if (import.meta.main) {
  // `node bench/kustomizations.ts [--raised-rate-limits] [N…]`
  const args = process.argv.slice(2);
  const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
  await runKustomizationBench(
    sizes.length > 0 ? sizes : SIZES,
    10,
    args.includes('--raised-rate-limits') ? ['--kube-api-qps=1000', '--kube-api-burst=2000'] : [],
  );
}
