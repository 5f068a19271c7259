// `npm run bench gotemplate`: parse and execute a chart-shaped template set with engines/gotemplate and with Go's
// own text/template (test/gotemplate/goref, same function map) in the same run; prints mean CPU times and ratios.
import { Template } from '../src/engines/gotemplate/index.ts';
import { decodeData, FUNCS } from '../test/gotemplate/funcs.ts';
import { GoRef, type GoRefRequest } from '../test/gotemplate/goref.ts';

const HELPERS = `{{- define "app.name" -}}{{ .Chart.Name }}{{- end -}}
{{- define "app.fullname" -}}
{{- if .Values.fullnameOverride -}}{{ .Values.fullnameOverride }}
{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name }}{{- end -}}
{{- end -}}
{{- define "app.labels" -}}
app.kubernetes.io/name: {{ template "app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ printf "%q" .Chart.AppVersion }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- range $k, $v := .Values.commonLabels }}
{{ $k }}: {{ printf "%q" $v }}
{{- end }}
{{- end -}}`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ template "app.fullname" . }}-{{ .i }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- template "app.labels" .root }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  strategy:
    type: {{ .Values.strategy.type }}
    {{- with .Values.strategy.rollingUpdate }}
    rollingUpdate:
      maxSurge: {{ .maxSurge }}
      maxUnavailable: {{ .maxUnavailable }}
    {{- end }}
  template:
    metadata:
      annotations:
        {{- range $k, $v := .Values.podAnnotations }}
        {{ $k }}: {{ printf "%q" $v }}
        {{- end }}
    spec:
      {{- with .Values.securityContext }}
      securityContext:
        runAsUser: {{ .runAsUser }}
        fsGroup: {{ .fsGroup }}
      {{- end }}
      containers:
        {{- range $i, $c := .Values.containers }}
        - name: {{ $c.name }}
          image: "{{ $c.image.repository }}:{{ or $c.image.tag $.Chart.AppVersion }}"
          imagePullPolicy: {{ $c.image.pullPolicy }}
          {{- if $c.command }}
          command:
            {{- range $c.command }}
            - {{ printf "%q" . }}
            {{- end }}
          {{- end }}
          ports:
            {{- range $c.ports }}
            - name: {{ .name }}
              containerPort: {{ .port }}
              protocol: {{ or .protocol "TCP" }}
            {{- end }}
          env:
            {{- range $e := $c.env }}
            - name: {{ $e.name }}
              {{- if $e.value }}
              value: {{ printf "%q" (print $e.value) }}
              {{- else }}
              valueFrom:
                secretKeyRef: {name: {{ $e.secret }}, key: {{ $e.key }}}
              {{- end }}
            {{- end }}
          resources:
            limits: {cpu: {{ $c.resources.limits.cpu }}, memory: {{ $c.resources.limits.memory }}}
            requests: {cpu: {{ $c.resources.requests.cpu }}, memory: {{ $c.resources.requests.memory }}}
          {{- if and $.Values.probes.enabled (eq $c.name "app") }}
          livenessProbe:
            httpGet: {path: /healthz, port: {{ (index $c.ports 0).port }}}
            initialDelaySeconds: {{ $.Values.probes.initialDelaySeconds }}
          {{- end }}
        {{- end }}
`;

function values(): unknown {
  const container = (name: string, n: number): unknown => ({
    name,
    image: { repository: `ghcr.io/example/${name}`, tag: n % 2 ? '' : '1.2.3', pullPolicy: 'IfNotPresent' },
    command: n % 2 ? ['./run', '--port=9898', '--level=info'] : [],
    ports: [
      { name: 'http', port: 9898 },
      { name: 'grpc', port: 9999, protocol: 'TCP' },
      { name: 'metrics', port: 9797 },
    ],
    env: Array.from({ length: 8 }, (_, i) =>
      i % 3 === 0 ? { name: `SECRET_${i}`, secret: 'app', key: `k${i}` } : { name: `VAR_${i}`, value: i * 1.5 },
    ),
    resources: { limits: { cpu: '1000m', memory: '512Mi' }, requests: { cpu: 0.1, memory: '64Mi' } },
  });
  return {
    fullnameOverride: '',
    replicaCount: 3,
    autoscaling: { enabled: false },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9797' },
    securityContext: { runAsUser: 100, fsGroup: 101 },
    commonLabels: { team: 'platform', tier: 'backend' },
    probes: { enabled: true, initialDelaySeconds: 5 },
    containers: [container('app', 0), container('sidecar', 1), container('proxy', 2)],
  };
}

/** request builds the bench set: helpers plus `files` copies of the deployment, and an "all" template. */
export function request(files: number): GoRefRequest {
  const templates: [string, string][] = [['chart/templates/_helpers.tpl', HELPERS]];
  for (let i = 0; i < files; i++) templates.push([`chart/templates/deploy-${i}.yaml`, DEPLOYMENT]);
  const all = templates
    .slice(1)
    .map(
      ([name], i) =>
        `{{ template ${JSON.stringify(name)} (dict "i" ${i} "root" . "Values" .Values "Release" .Release "Chart" .Chart) }}`,
    )
    .join('\n---\n');
  templates.push(['all', all]);
  const data = {
    Values: values(),
    Release: { Name: 'web', Namespace: 'apps', Revision: { $int: '1' }, IsInstall: true },
    Chart: { Name: 'app', Version: '6.5.0', AppVersion: '6.5.0' },
  };
  return { root: 'gotpl', templates, exec: 'all', data };
}

export function parseSet(req: GoRefRequest): Template {
  const t = new Template(req.root!).funcs(FUNCS);
  for (const [name, text] of req.templates) t.new(name).parse(text);
  return t;
}

/**
 * timeIt is the mean CPU time of `fn` in ms after a warm-up, the best of three rounds (CPU time and the best round:
 * the machine may be shared).
 */
function timeIt(iterations: number, fn: () => void): number {
  for (let i = 0; i < Math.max(50, iterations / 5); i++) fn();
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < iterations; i++) fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / iterations / 1000);
  }
  return best;
}

/** runGoTemplateBench prints one row per set size: parse and execute times, ours and Go's, and the ratios. */
export async function runGoTemplateBench(): Promise<void> {
  const ref = await GoRef.start();
  try {
    // Warm the JIT on every size first, so that the first row is not measured on cold code.
    for (const files of [50, 10, 1]) {
      const req = request(files);
      const set = parseSet(req);
      const data = decodeData(structuredClone(req.data));
      for (let i = 0; i < 30; i++) {
        parseSet(req);
        set.executeTemplate('all', data);
      }
    }
    console.log(
      'files  lines  output KiB | parse ms CPU (ts / go / ratio) | execute ms CPU (ts / go / ratio) | identical',
    );
    for (const files of [1, 10, 50]) {
      const req = request(files);
      const iterations = Math.max(10, Math.floor(400 / files));
      const goOut = await ref.ask(req);
      const set = parseSet(req);
      const data = decodeData(structuredClone(req.data));
      const ours = set.executeTemplate('all', data);
      const go = await ref.ask({ ...req, bench: iterations });
      const parseMs = timeIt(iterations, () => parseSet(req));
      const execMs = timeIt(iterations, () => set.executeTemplate('all', data));
      const goParse = (go.parseNs ?? NaN) / 1e6;
      const goExec = (go.execNs ?? NaN) / 1e6;
      const lines = req.templates.reduce((n, [, text]) => n + text.split('\n').length, 0);
      console.log(
        `${String(files).padStart(5)}  ${String(lines).padStart(5)}  ${(ours.length / 1024).toFixed(0).padStart(10)} | ` +
          `${parseMs.toFixed(3)} / ${goParse.toFixed(3)} / ${(parseMs / goParse).toFixed(2)}x | ` +
          `${execMs.toFixed(3)} / ${goExec.toFixed(3)} / ${(execMs / goExec).toFixed(2)}x | ${goOut.output === ours}`,
      );
    }
  } finally {
    ref.close();
  }
}

if (import.meta.main) await runGoTemplateBench();
