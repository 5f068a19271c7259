// Pure rules of running a pod's container the way a kubelet does: the command line (image entrypoint and cmd,
// Kubernetes' command and args, `$(VAR)` references), the environment (literal values, the downward API, Secret
// and ConfigMap keys, the apiserver's address), the user (runAsUser, the image's USER, runAsNonRoot), limits, and
// the back-off between restarts. No I/O: the runner fetches the objects these read.

/** The parts of a Pod the runner reads. */
export interface RunPod {
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec: {
    nodeName?: string;
    serviceAccountName?: string;
    restartPolicy?: 'Always' | 'OnFailure' | 'Never';
    terminationGracePeriodSeconds?: number;
    securityContext?: SecurityContext & { fsGroup?: number; supplementalGroups?: number[] };
    containers: Container[];
    volumes?: Volume[];
    hostname?: string;
  };
  status?: { phase?: string; podIP?: string };
}

export interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
}

export interface Probe {
  httpGet?: { path?: string; port: number | string; scheme?: string };
  tcpSocket?: { port: number | string };
  exec?: { command: string[] };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  ports?: { containerPort: number; name?: string }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { limits?: { cpu?: string; memory?: string } };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[];
}

export interface Volume {
  name: string;
  emptyDir?: Record<string, unknown>;
  secret?: { secretName: string; items?: { key: string; path: string }[]; optional?: boolean };
  configMap?: { name: string; items?: { key: string; path: string }[]; optional?: boolean };
  projected?: { sources: ProjectedSource[] };
}

export interface ProjectedSource {
  serviceAccountToken?: { path: string; expirationSeconds?: number; audience?: string };
  configMap?: { name: string; items?: { key: string; path: string }[]; optional?: boolean };
  secret?: { name: string; items?: { key: string; path: string }[]; optional?: boolean };
  downwardAPI?: { items: { path: string; fieldRef?: { fieldPath: string } }[] };
}

/** ImageDefaults is what the image's config contributes. */
export interface ImageDefaults {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  User?: string;
  WorkingDir?: string;
}

/** PodContext is what the downward API and the apiserver address resolve against. */
export interface PodContext {
  podIP: string;
  nodeIP: string;
  nodeName: string;
  apiserverIP: string;
  apiserverPort: number;
}

/** SpecError: the pod cannot be started as written (Kubernetes' CreateContainerConfigError). */
export class SpecError extends Error {}

/** fieldValue resolves a downward API field path of the pod. */
export function fieldValue(pod: RunPod, path: string, ctx: PodContext): string {
  const label = /^metadata\.labels\['(.+)'\]$/.exec(path);
  if (label) return pod.metadata.labels?.[label[1] ?? ''] ?? '';
  const annotation = /^metadata\.annotations\['(.+)'\]$/.exec(path);
  if (annotation) return pod.metadata.annotations?.[annotation[1] ?? ''] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace;
    case 'metadata.uid':
      return pod.metadata.uid;
    case 'spec.nodeName':
      return ctx.nodeName;
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? 'default';
    case 'status.podIP':
      return ctx.podIP;
    case 'status.hostIP':
      return ctx.nodeIP;
    default:
      throw new SpecError(`unsupported fieldPath ${path}`);
  }
}

/** expand replaces `$(NAME)` with variables defined so far; `$$(NAME)` escapes, unknown names stay as written. */
export function expand(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && vars.has(name) ? (vars.get(name) ?? '') : m;
  });
}

/** KeyLookup reads one key of a Secret or ConfigMap of the pod's namespace (undefined: missing). */
export type KeyLookup = (kind: 'Secret' | 'ConfigMap', name: string, key: string) => string | undefined;

/** containerEnv builds the process environment: image env, then the apiserver's address, then the container's. */
export function containerEnv(
  pod: RunPod,
  c: Container,
  image: ImageDefaults,
  ctx: PodContext,
  lookup: KeyLookup,
): string[] {
  const vars = new Map<string, string>();
  for (const kv of image.Env ?? []) {
    const i = kv.indexOf('=');
    if (i > 0) vars.set(kv.slice(0, i), kv.slice(i + 1));
  }
  vars.set('HOSTNAME', pod.spec.hostname ?? pod.metadata.name);
  vars.set('KUBERNETES_SERVICE_HOST', ctx.apiserverIP);
  vars.set('KUBERNETES_SERVICE_PORT', String(ctx.apiserverPort));
  vars.set('KUBERNETES_SERVICE_PORT_HTTPS', String(ctx.apiserverPort));
  vars.set('KUBERNETES_PORT', `tcp://${ctx.apiserverIP}:${ctx.apiserverPort}`);
  for (const e of c.env ?? []) {
    let value: string | undefined;
    if (e.value !== undefined) value = expand(e.value, vars);
    else if (e.valueFrom?.fieldRef) value = fieldValue(pod, e.valueFrom.fieldRef.fieldPath, ctx);
    else if (e.valueFrom?.secretKeyRef || e.valueFrom?.configMapKeyRef) {
      const ref = (e.valueFrom.secretKeyRef ?? e.valueFrom.configMapKeyRef)!;
      const kind = e.valueFrom.secretKeyRef ? 'Secret' : 'ConfigMap';
      value = lookup(kind, ref.name, ref.key);
      if (value === undefined && !ref.optional) {
        throw new SpecError(`${kind.toLowerCase()} "${ref.name}" has no key "${ref.key}" (env ${e.name})`);
      }
    } else value = '';
    if (value !== undefined) vars.set(e.name, value);
  }
  return [...vars].map(([k, v]) => `${k}=${v}`);
}

/** commandLine is Kubernetes' rule: command replaces the entrypoint (and drops cmd), args replace cmd. */
export function commandLine(c: Container, image: ImageDefaults, env: readonly string[]): string[] {
  const vars = new Map(env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const));
  const entry = c.command ?? image.Entrypoint ?? [];
  const args = c.args ?? (c.command ? [] : (image.Cmd ?? []));
  const argv = [
    ...entry.map((a) => (c.command ? expand(a, vars) : a)),
    ...args.map((a) => (c.args ? expand(a, vars) : a)),
  ];
  if (argv.length === 0) throw new SpecError(`container ${c.name}: no command (the image has no entrypoint)`);
  return argv;
}

/** runAs resolves the numeric user and group; a named image user or root under runAsNonRoot is refused. */
export function runAs(pod: RunPod, c: Container, image: ImageDefaults): { uid: number; gid: number; groups: number[] } {
  const sc = { ...pod.spec.securityContext, ...c.securityContext };
  const [imageUser, imageGroup] = (image.User ?? '').split(':');
  let uid = sc.runAsUser;
  if (uid === undefined) {
    if (imageUser && !/^\d+$/.test(imageUser)) {
      if (sc.runAsNonRoot)
        throw new SpecError(`image has non-numeric user (${imageUser}), cannot verify user is non-root`);
      throw new SpecError(`image user ${imageUser} is not numeric; the dev cluster resolves numeric users only`);
    }
    uid = imageUser ? Number(imageUser) : 0;
  }
  if (uid === 0 && sc.runAsNonRoot) throw new SpecError('container has runAsNonRoot and image will run as root');
  const gid = sc.runAsGroup ?? (imageGroup && /^\d+$/.test(imageGroup) ? Number(imageGroup) : uid);
  const groups = [
    ...(pod.spec.securityContext?.fsGroup !== undefined ? [pod.spec.securityContext.fsGroup] : []),
    ...(pod.spec.securityContext?.supplementalGroups ?? []),
  ];
  return { uid, gid, groups };
}

/** memoryBytes and cpuMillis parse Kubernetes quantities of limits (undefined when absent or unparsable). */
export function memoryBytes(q: string | undefined): number | undefined {
  const m = q ? /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q) : null;
  if (!m) return undefined;
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] ?? ''] ?? 1;
  return Math.round(Number(m[1]) * unit);
}
export function cpuMillis(q: string | undefined): number | undefined {
  const m = q ? /^(\d+(?:\.\d+)?)(m)?$/.exec(q) : null;
  if (!m) return undefined;
  return m[2] ? Number(m[1]) : Math.round(Number(m[1]) * 1000);
}

/** resolvePort turns a probe's or Service's port (number or container port name) into a number. */
export function resolvePort(c: Container | undefined, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return c?.ports?.find((p) => p.name === port)?.containerPort;
}

/** restartDelayMs is the kubelet's crash back-off: 10 s doubling to 5 min, reset after 10 min of running. */
export function restartDelayMs(restarts: number): number {
  return Math.min(10_000 * 2 ** Math.max(restarts - 1, 0), 300_000);
}
