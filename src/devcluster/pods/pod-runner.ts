// The dev cluster's real kubelet for pods whose images are in the local OCI layout (`npm run image` puts the
// controller image there): each pod gets a network sandbox (sandbox-main.ts), its volumes (emptyDir, Secret,
// ConfigMap, projected service-account token + CA + namespace), and one runc container per container, restarted with
// the kubelet's back-off; probes drive Ready; the pod's status is reported as a kubelet reports it. Pods of other
// images stay simulated (pod-simulator.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { imageLayoutDir } from '../image/build.ts';
import { findImage, type LocalImage } from '../image/oci-layout.ts';
import { unpackedRootfs } from '../image/rootfs.ts';
import type { RestClient } from '../rest.ts';
import {
  commandLine,
  containerEnv,
  cpuMillis,
  memoryBytes,
  type Container,
  type PodContext,
  type Probe,
  type RunPod,
  restartDelayMs,
  runAs,
  SpecError,
  type Volume,
} from './pod-spec.ts';
import { podStatus, type ContainerRecord } from './pod-status.ts';
import { runProbe } from './probes.ts';
import { runContainer, type RunningContainer } from './runc.ts';
import type { SandboxConfig, SandboxMessage } from './sandbox-protocol.ts';
import { serviceTable, type EndpointSliceLike, type ServiceLike } from './services.ts';

export interface PodRunnerOptions {
  client: RestClient;
  /** Where pods' sandboxes, volumes, bundles and logs live (`<cluster dir>/pods`). */
  runDir: string;
  nodeName: string;
  nodeIP: string;
  serviceCidr: string;
  /** The apiserver on the host, reached from pods through a Unix socket. */
  apiserverPort: number;
  clusterDomain?: string;
  log?: (line: string) => void;
}

interface PodState {
  pod: RunPod;
  dir: string;
  /** Where the sandbox publishes the pod's ports: short, since a Unix socket path has at most 107 bytes. */
  sockets: string;
  podIP: string;
  images: Map<string, LocalImage>;
  sandbox?: ChildProcess;
  containers: Map<string, ContainerRecord & { running?: RunningContainer; timers: NodeJS.Timeout[] }>;
  startedAt: string;
  stopping: boolean;
  tokenTimer?: NodeJS.Timeout;
  statusTimer?: NodeJS.Timeout;
  message?: string;
}

/** podLogFile is where a running pod's container writes its output (what `kubectl logs` would show). */
export function podLogFile(runDir: string, namespace: string, name: string, container: string): string {
  return join(runDir, `${namespace}_${name}`, `${container}.log`);
}

export class PodRunner {
  private readonly o: Required<Omit<PodRunnerOptions, 'log'>> & { log: (line: string) => void };
  private readonly pods = new Map<string, PodState>();
  private readonly forwarders = new Map<string, Server>();
  private table: { routes: SandboxConfig['routes']; names: Record<string, string> } = { routes: [], names: {} };
  private tableTimer: NodeJS.Timeout | undefined;
  private nextIP = 2;
  /** Unix sockets live under /run, not under runDir: a deep state directory would exceed 107 bytes. */
  private readonly socketDir: string;

  constructor(options: PodRunnerOptions) {
    this.o = {
      clusterDomain: 'cluster.local',
      log: (line) => process.stderr.write(`[pod-runner] ${line}\n`),
      ...options,
    };
    this.socketDir = join('/run/fluxts-pods', createHash('sha256').update(options.runDir).digest('hex').slice(0, 12));
  }

  /** start publishes the apiserver to pods and begins keeping their Service routes current. */
  async start(): Promise<void> {
    await mkdir(this.o.runDir, { recursive: true });
    await mkdir(this.socketDir, { recursive: true });
    await this.forward(join(this.socketDir, 'apiserver.sock'), this.o.apiserverPort);
    const refresh = (): void => {
      void this.refreshServices()
        .catch((err: unknown) => this.o.log(`services: ${(err as Error).message}`))
        .finally(() => (this.tableTimer = setTimeout(refresh, 1_000)));
    };
    refresh();
  }

  /** runs says whether the runner takes this pod: every image of it is in the local layout. */
  async runs(pod: RunPod): Promise<boolean> {
    if (this.pods.has(pod.metadata.uid)) return true;
    if ((pod.spec as { initContainers?: unknown[] }).initContainers?.length) return false;
    for (const c of pod.spec.containers) {
      if (!(await findImage(imageLayoutDir(), c.image).catch(() => undefined))) return false;
    }
    return true;
  }

  /** sync starts a new pod, or stops and removes a terminating one (then deletes the Pod object). */
  async sync(pod: RunPod): Promise<void> {
    const state = this.pods.get(pod.metadata.uid);
    if (pod.metadata.deletionTimestamp) {
      if (state) await this.stopPod(state, pod.spec.terminationGracePeriodSeconds ?? 30);
      await this.o.client.request('DELETE', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`, {
        body: {
          kind: 'DeleteOptions',
          apiVersion: 'v1',
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata.uid },
        },
      });
      return;
    }
    if (state) {
      state.pod = pod;
      return;
    }
    await this.startPod(pod);
  }

  /** stop kills every pod (the cluster is going away) and closes the forwarders. */
  async stop(): Promise<void> {
    clearTimeout(this.tableTimer);
    await Promise.all([...this.pods.values()].map((s) => this.stopPod(s, 2)));
    for (const server of this.forwarders.values()) server.close();
    await rm(this.socketDir, { recursive: true, force: true });
  }

  private async forward(path: string, port: number): Promise<void> {
    if (this.forwarders.has(path)) return;
    await rm(path, { force: true });
    const server = createServer((client) => {
      const upstream = connect(port, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      const close = (): void => void (client.destroy(), upstream.destroy());
      client.on('error', close);
      upstream.on('error', close);
    });
    this.forwarders.set(path, server);
    await new Promise<void>((resolve) => server.listen(path, resolve));
    await chmod(path, 0o666);
  }

  private async refreshServices(): Promise<void> {
    const [services, slices] = await Promise.all([
      this.o.client.request<{ items: ServiceLike[] }>('GET', '/api/v1/services'),
      this.o.client.request<{ items: EndpointSliceLike[] }>('GET', '/apis/discovery.k8s.io/v1/endpointslices'),
    ]);
    const podDirs = new Map([...this.pods.values()].map((s) => [s.podIP, s.sockets] as const));
    const table = serviceTable(services.items, slices.items, {
      nodeIP: this.o.nodeIP,
      clusterDomain: this.o.clusterDomain,
      apiserverSocket: join(this.socketDir, 'apiserver.sock'),
      podSocket: (ip, port) => (podDirs.has(ip) ? join(podDirs.get(ip)!, `port-${port}.sock`) : undefined),
      hostSocket: (port) => join(this.socketDir, `host-${port}.sock`),
    });
    for (const port of table.hostPorts) await this.forward(join(this.socketDir, `host-${port}.sock`), port);
    const changed =
      JSON.stringify(table.routes) !== JSON.stringify(this.table.routes) ||
      JSON.stringify(table.names) !== JSON.stringify(this.table.names);
    this.table = table;
    if (changed) for (const s of this.pods.values()) this.configureSandbox(s);
  }

  private sandboxConfig(s: PodState): SandboxConfig {
    const ports = s.pod.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
    return {
      podIP: s.podIP,
      nodeIP: this.o.nodeIP,
      serviceCidr: this.o.serviceCidr,
      routes: this.table.routes,
      names: this.table.names,
      ports: [...new Set(ports)],
    };
  }

  private configureSandbox(s: PodState): void {
    if (s.sandbox?.connected)
      s.sandbox.send({ type: 'config', config: this.sandboxConfig(s) } satisfies SandboxMessage);
  }

  private apiserverIP(): string {
    return this.table.names[`kubernetes.default.svc.${this.o.clusterDomain}`] ?? '10.96.0.1';
  }

  private async startPod(pod: RunPod): Promise<void> {
    const dir = join(this.o.runDir, `${pod.metadata.namespace}_${pod.metadata.name}`);
    const podIP = pod.status?.podIP ?? `10.244.${Math.floor(this.nextIP / 250)}.${(this.nextIP++ % 250) + 2}`;
    const state: PodState = {
      pod,
      dir,
      sockets: join(this.socketDir, pod.metadata.uid.slice(0, 8)),
      podIP,
      images: new Map(),
      containers: new Map(),
      startedAt: new Date().toISOString(),
      stopping: false,
    };
    for (const c of pod.spec.containers) {
      state.containers.set(c.name, {
        name: c.name,
        image: c.image,
        restartCount: 0,
        ready: false,
        timers: [],
        state: { waiting: { reason: 'ContainerCreating' } },
      });
    }
    this.pods.set(pod.metadata.uid, state);
    try {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await mkdir(state.sockets, { recursive: true });
      for (const c of pod.spec.containers) {
        const image = await findImage(imageLayoutDir(), c.image);
        if (!image) throw new SpecError(`image ${c.image} is not in ${imageLayoutDir()}`);
        state.images.set(c.name, image);
      }
      await this.writeVolumes(state);
      await this.startSandbox(state);
      for (const c of pod.spec.containers) void this.runContainerLoop(state, c);
    } catch (err) {
      state.message = (err as Error).message;
      for (const rec of state.containers.values()) {
        rec.state = {
          waiting: {
            reason: err instanceof SpecError ? 'CreateContainerConfigError' : 'CreateContainerError',
            message: state.message,
          },
        };
      }
      this.o.log(`${pod.metadata.namespace}/${pod.metadata.name}: ${state.message}`);
    }
    this.reportStatus(state);
  }

  private volumeDir(s: PodState, name: string): string {
    return join(s.dir, 'volumes', name);
  }

  /** writeVolumes fills every volume the runner supports; a pod using another kind fails to start, loudly. */
  private async writeVolumes(s: PodState): Promise<void> {
    for (const v of s.pod.spec.volumes ?? []) {
      const dir = this.volumeDir(s, v.name);
      await mkdir(dir, { recursive: true });
      if (v.emptyDir) await chmod(dir, 0o1777);
      else if (v.secret || v.configMap || v.projected) await this.writeProjected(s, v, dir);
      else throw new SpecError(`volume ${v.name}: only emptyDir, secret, configMap and projected volumes run here`);
    }
  }

  private async readData(
    ns: string,
    kind: 'Secret' | 'ConfigMap',
    name: string,
    optional: boolean,
  ): Promise<Record<string, string> | undefined> {
    const path = `/api/v1/namespaces/${ns}/${kind === 'Secret' ? 'secrets' : 'configmaps'}/${name}`;
    const obj = await this.o.client.request<{ data?: Record<string, string> }>('GET', path).catch((err: unknown) => {
      if (optional) return undefined;
      throw new SpecError(`${kind.toLowerCase()} "${name}" not found: ${(err as Error).message}`);
    });
    if (!obj) return undefined;
    const data = obj.data ?? {};
    return kind === 'Secret'
      ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]))
      : data;
  }

  private async writeProjected(s: PodState, v: Volume, dir: string): Promise<void> {
    const ns = s.pod.metadata.namespace;
    const files = new Map<string, string>();
    const put = (
      data: Record<string, string> | undefined,
      items: { key: string; path: string }[] | undefined,
    ): void => {
      if (!data) return;
      for (const { key, path } of items ?? Object.keys(data).map((k) => ({ key: k, path: k }))) {
        if (data[key] !== undefined) files.set(path, data[key]);
      }
    };
    if (v.secret)
      put(await this.readData(ns, 'Secret', v.secret.secretName, v.secret.optional ?? false), v.secret.items);
    if (v.configMap)
      put(await this.readData(ns, 'ConfigMap', v.configMap.name, v.configMap.optional ?? false), v.configMap.items);
    for (const src of v.projected?.sources ?? []) {
      if (src.secret)
        put(await this.readData(ns, 'Secret', src.secret.name, src.secret.optional ?? false), src.secret.items);
      if (src.configMap)
        put(
          await this.readData(ns, 'ConfigMap', src.configMap.name, src.configMap.optional ?? false),
          src.configMap.items,
        );
      for (const item of src.downwardAPI?.items ?? []) {
        if (item.fieldRef?.fieldPath === 'metadata.namespace') files.set(item.path, ns);
        else if (item.fieldRef?.fieldPath === 'metadata.name') files.set(item.path, s.pod.metadata.name);
      }
      if (src.serviceAccountToken) {
        const { path, expirationSeconds = 3600, audience } = src.serviceAccountToken;
        files.set(path, await this.requestToken(s, expirationSeconds, audience));
        // The kubelet renews at 80% of the token's life; so does this.
        s.tokenTimer = setInterval(() => {
          void this.requestToken(s, expirationSeconds, audience)
            .then((token) => atomicWrite(join(dir, path), token))
            .catch((err: unknown) => this.o.log(`token renewal: ${(err as Error).message}`));
        }, expirationSeconds * 800);
        s.tokenTimer.unref();
      }
    }
    for (const [path, content] of files) await atomicWrite(join(dir, path), content);
  }

  private async requestToken(s: PodState, expirationSeconds: number, audience: string | undefined): Promise<string> {
    const { namespace, name, uid } = s.pod.metadata;
    const sa = s.pod.spec.serviceAccountName ?? 'default';
    const res = await this.o.client.request<{ status: { token: string } }>(
      'POST',
      `/api/v1/namespaces/${namespace}/serviceaccounts/${sa}/token`,
      {
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: {
            ...(audience ? { audiences: [audience] } : {}),
            expirationSeconds,
            boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name, uid },
          },
        },
      },
    );
    return res.status.token;
  }

  private startSandbox(s: PodState): Promise<void> {
    const main = fileURLToPath(new URL('./sandbox-main.ts', import.meta.url));
    const child = spawn('unshare', ['--net', '--', process.execPath, main, s.sockets], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    s.sandbox = child;
    return new Promise((resolve, reject) => {
      child.on('message', (m: SandboxMessage) => {
        if (m.type === 'started') this.configureSandbox(s);
        else if (m.type === 'configured') resolve();
        else if (m.type === 'error') reject(new Error(`pod sandbox: ${m.message}`));
      });
      child.on('exit', (code) => reject(new Error(`pod sandbox exited (${code})`)));
    });
  }

  private async runContainerLoop(s: PodState, c: Container): Promise<void> {
    const rec = s.containers.get(c.name)!;
    const image = s.images.get(c.name)!;
    const policy = s.pod.spec.restartPolicy ?? 'Always';
    let backoff = 0;
    while (!s.stopping) {
      const ctx: PodContext = {
        podIP: s.podIP,
        nodeIP: this.o.nodeIP,
        nodeName: this.o.nodeName,
        apiserverIP: this.apiserverIP(),
        apiserverPort: 443,
      };
      let running: RunningContainer;
      try {
        const keys = new Map<string, Record<string, string> | undefined>();
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
          if (!ref) continue;
          const kind = e.valueFrom?.secretKeyRef ? 'Secret' : 'ConfigMap';
          keys.set(`${kind}/${ref.name}`, await this.readData(s.pod.metadata.namespace, kind, ref.name, true));
        }
        const cfg = image.config.config;
        const env = containerEnv(s.pod, c, cfg, ctx, (kind, name, key) => keys.get(`${kind}/${name}`)?.[key]);
        const user = runAs(s.pod, c, cfg);
        const sc = c.securityContext ?? {};
        const rootfs = await unpackedRootfs(imageLayoutDir(), image);
        if (sc.readOnlyRootFilesystem !== true) {
          throw new SpecError(
            "the dev cluster runs containers on their image's shared, read-only root filesystem: set securityContext.readOnlyRootFilesystem: true",
          );
        }
        const volumes = new Map((s.pod.spec.volumes ?? []).map((v) => [v.name, v] as const));
        const mounts = (c.volumeMounts ?? []).map((m) => {
          const v = volumes.get(m.name);
          if (!v) throw new SpecError(`volumeMount ${m.name}: no such volume`);
          return {
            destination: m.mountPath,
            source: join(this.volumeDir(s, m.name), m.subPath ?? ''),
            readOnly: m.readOnly === true || !v.emptyDir,
          };
        });
        const hostsFile = join(s.dir, 'hosts');
        await writeFile(
          hostsFile,
          `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${s.podIP}\t${s.pod.metadata.name}\n`,
        );
        const resolv = join(s.dir, 'resolv.conf');
        const ns = s.pod.metadata.namespace;
        const domain = this.o.clusterDomain;
        await writeFile(
          resolv,
          `nameserver 127.0.0.53\nsearch ${ns}.svc.${domain} svc.${domain} ${domain}\noptions ndots:5\n`,
        );
        const netns = `/proc/${s.sandbox?.pid}/ns/net`;
        const id = `fluxts-${s.pod.metadata.uid.slice(0, 8)}-${c.name}-${rec.restartCount}`;
        rec.state = { waiting: { reason: 'ContainerCreating' } };
        running = await runContainer(
          {
            id,
            rootfs,
            readOnlyRootfs: true,
            args: commandLine(c, cfg, env),
            env,
            cwd: c.workingDir ?? cfg.WorkingDir ?? '/',
            uid: user.uid,
            gid: user.gid,
            additionalGids: user.groups,
            hostname: s.pod.spec.hostname ?? s.pod.metadata.name,
            netns,
            mounts: [
              ...mounts,
              { destination: '/etc/hosts', source: hostsFile, readOnly: true },
              { destination: '/etc/resolv.conf', source: resolv, readOnly: true },
            ],
            capabilities: sc.capabilities?.drop?.includes('ALL')
              ? (sc.capabilities.add ?? [])
              : DEFAULT_CAPABILITIES.filter((x) => !sc.capabilities?.drop?.includes(x)),
            noNewPrivileges: sc.allowPrivilegeEscalation === false,
            ...(memoryBytes(c.resources?.limits?.memory)
              ? { memoryLimit: memoryBytes(c.resources?.limits?.memory)! }
              : {}),
            ...(cpuMillis(c.resources?.limits?.cpu) ? { cpuMillis: cpuMillis(c.resources?.limits?.cpu)! } : {}),
          },
          join(s.dir, 'bundles', id),
          join(s.dir, `${c.name}.log`),
        );
      } catch (err) {
        rec.state = {
          waiting: {
            reason: err instanceof SpecError ? 'CreateContainerConfigError' : 'RunContainerError',
            message: (err as Error).message,
          },
        };
        this.reportStatus(s);
        await new Promise((r) => setTimeout(r, restartDelayMs(++backoff)));
        continue;
      }
      const startedAt = new Date().toISOString();
      rec.running = running;
      rec.containerID = `runc://${running.id}`;
      rec.imageID = `${image.name.replace(/:[^:/]+$/, '')}@${image.digest}`;
      rec.state = { running: { startedAt } };
      rec.ready = !c.readinessProbe;
      rec.started = true;
      this.reportStatus(s);
      this.startProbes(s, c, rec);
      const code = await running.exited;
      for (const t of rec.timers.splice(0)) clearInterval(t);
      rec.running = undefined;
      rec.ready = false;
      rec.started = false;
      const finishedAt = new Date().toISOString();
      const terminated = {
        exitCode: code,
        reason: code === 0 ? 'Completed' : code === 137 ? 'OOMKilled' : 'Error',
        startedAt,
        finishedAt,
        containerID: rec.containerID,
      };
      if (code === 137 && !rec.killedByProbe) terminated.reason = 'Error';
      rec.killedByProbe = false;
      if (s.stopping || policy === 'Never' || (policy === 'OnFailure' && code === 0)) {
        rec.state = { terminated };
        this.reportStatus(s);
        return;
      }
      rec.lastState = { terminated };
      rec.restartCount += 1;
      // Back-off resets when the container ran for ten minutes, as the kubelet's does.
      backoff = Date.parse(finishedAt) - Date.parse(startedAt) > 600_000 ? 1 : backoff + 1;
      const delay = restartDelayMs(backoff);
      rec.state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${delay / 1000}s restarting failed container=${c.name} pod=${s.pod.metadata.name}`,
        },
      };
      this.reportStatus(s);
      this.o.log(
        `${s.pod.metadata.namespace}/${s.pod.metadata.name}/${c.name} exited ${code}; restarting in ${delay / 1000}s`,
      );
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  private startProbes(
    s: PodState,
    c: Container,
    rec: ContainerRecord & { running?: RunningContainer; timers: NodeJS.Timeout[] },
  ): void {
    const schedule = (probe: Probe, onResult: (ok: boolean, failures: number, successes: number) => void): void => {
      let failures = 0;
      let successes = 0;
      const tick = (): void => {
        if (!rec.running) return;
        void runProbe(probe, { dir: s.sockets, podIP: s.podIP, container: c, containerId: rec.running.id }).then(
          (ok) => {
            failures = ok ? 0 : failures + 1;
            successes = ok ? successes + 1 : 0;
            onResult(ok, failures, successes);
          },
        );
      };
      const first = setTimeout(
        () => {
          tick();
          rec.timers.push(setInterval(tick, (probe.periodSeconds ?? 10) * 1000));
        },
        (probe.initialDelaySeconds ?? 0) * 1000 + 200,
      );
      rec.timers.push(first);
    };
    if (c.readinessProbe) {
      const p = c.readinessProbe;
      schedule(p, (_ok, failures, successes) => {
        const ready =
          successes >= (p.successThreshold ?? 1) ? true : failures >= (p.failureThreshold ?? 3) ? false : rec.ready;
        if (ready !== rec.ready) {
          rec.ready = ready;
          this.reportStatus(s);
        }
      });
    }
    if (c.livenessProbe) {
      const p = c.livenessProbe;
      schedule(p, (_ok, failures) => {
        if (failures < (p.failureThreshold ?? 3) || !rec.running) return;
        this.o.log(
          `${s.pod.metadata.namespace}/${s.pod.metadata.name}/${c.name}: liveness probe failed ${failures} times, restarting`,
        );
        rec.killedByProbe = true;
        rec.running.kill('KILL');
      });
    }
  }

  private reportStatus(s: PodState): void {
    if (s.statusTimer) return;
    s.statusTimer = setTimeout(() => {
      s.statusTimer = undefined;
      if (!this.pods.has(s.pod.metadata.uid)) return;
      const status = podStatus({
        containers: [...s.containers.values()].map(({ running: _r, timers: _t, ...rec }) => rec),
        restartPolicy: s.pod.spec.restartPolicy ?? 'Always',
        podIP: s.podIP,
        hostIP: this.o.nodeIP,
        startTime: s.startedAt,
        now: new Date().toISOString(),
        previous: s.pod.status,
        ...(s.message ? { message: s.message } : {}),
      });
      const { namespace, name } = s.pod.metadata;
      void this.o.client
        .request('PATCH', `/api/v1/namespaces/${namespace}/pods/${name}/status`, {
          contentType: 'application/merge-patch+json',
          body: { status },
        })
        .catch((err: unknown) => this.o.log(`${namespace}/${name}: status: ${(err as Error).message}`));
    }, 50);
  }

  private async stopPod(s: PodState, graceSeconds: number): Promise<void> {
    s.stopping = true;
    clearInterval(s.tokenTimer);
    const running = [...s.containers.values()].flatMap((r) => (r.running ? [r.running] : []));
    for (const r of running) r.kill('TERM');
    const all = Promise.all(running.map((r) => r.exited));
    const timer = new Promise((r) => setTimeout(r, graceSeconds * 1000));
    if ((await Promise.race([all.then(() => 'done'), timer])) !== 'done') {
      for (const r of running) r.kill('KILL');
      await all;
    }
    for (const rec of s.containers.values()) for (const t of rec.timers.splice(0)) clearInterval(t);
    s.sandbox?.kill('SIGKILL');
    this.pods.delete(s.pod.metadata.uid);
    await rm(join(s.dir, 'bundles'), { recursive: true, force: true });
    await rm(s.sockets, { recursive: true, force: true });
  }
}

/** DEFAULT_CAPABILITIES are the container runtimes' defaults, for containers that do not drop ALL. */
const DEFAULT_CAPABILITIES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FSETID',
  'FOWNER',
  'MKNOD',
  'NET_RAW',
  'SETGID',
  'SETUID',
  'SETFCAP',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'SYS_CHROOT',
  'KILL',
  'AUDIT_WRITE',
];

async function atomicWrite(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content, { mode: 0o644 });
  await rename(tmp, path);
}
