import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import { ConditionType, type ConditionsHolder } from './condition-types.ts';
import { get } from './conditions.ts';

/** ObjectRef is what metrics and events say about an object. */
export interface ObjectRef {
  kind: string;
  name: string;
  namespace: string;
}

const statuses = ['True', 'False', 'Unknown', 'Deleted'] as const;

/**
 * MetricsRecorder holds the GitOps Toolkit metrics with Flux's names, labels and buckets
 * (fluxcd/pkg runtime/metrics): reconcile duration, per-condition status (one series per status, the current
 * one at 1) and suspension. One registry per process, served by `serveMetrics`.
 */
export class MetricsRecorder {
  readonly registry = new Registry();
  readonly #duration: Histogram<'kind' | 'name' | 'namespace'>;
  readonly #condition: Gauge<'kind' | 'name' | 'namespace' | 'type' | 'status'>;
  readonly #suspend: Gauge<'kind' | 'name' | 'namespace'>;
  readonly #reconciles: Counter<'controller' | 'result'>;
  readonly #errors: Counter<'controller'>;

  constructor(options: { processMetrics?: boolean } = {}) {
    this.#duration = new Histogram({
      name: 'gotk_reconcile_duration_seconds',
      help: 'The duration in seconds of a GitOps Toolkit resource reconciliation.',
      labelNames: ['kind', 'name', 'namespace'],
      // Flux's prometheus.ExponentialBuckets(10e-9, 10, 10).
      buckets: Array.from({ length: 10 }, (_, i) => Number(`1e${i - 8}`)),
      registers: [this.registry],
    });
    this.#condition = new Gauge({
      name: 'gotk_reconcile_condition',
      help: 'The current condition status of a GitOps Toolkit resource reconciliation.',
      labelNames: ['kind', 'name', 'namespace', 'type', 'status'],
      registers: [this.registry],
    });
    this.#suspend = new Gauge({
      name: 'gotk_suspend_status',
      help: 'The current suspend status of a GitOps Toolkit resource.',
      labelNames: ['kind', 'name', 'namespace'],
      registers: [this.registry],
    });
    // controller-runtime's per-controller counters, which Flux dashboards also chart.
    this.#reconciles = new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers: [this.registry],
    });
    this.#errors = new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: ['controller'],
      registers: [this.registry],
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** recordDuration observes the time since `startMs` (a Date.now() value). */
  recordDuration(ref: ObjectRef, startMs: number): void {
    this.#duration.observe(labels(ref), (Date.now() - startMs) / 1000);
  }

  /** recordCondition sets the series of one condition type; `deleted` marks the object as gone. */
  recordCondition(ref: ObjectRef, obj: ConditionsHolder, type: string, deleted = false): void {
    const status = get(obj, type)?.status ?? 'Unknown';
    for (const s of statuses) {
      const value = deleted ? (s === 'Deleted' ? 1 : 0) : s === status ? 1 : 0;
      this.#condition.set({ ...labels(ref), type, status: s }, value);
    }
  }

  /** recordReadiness records Ready (what Flux's reconcilers record after every run). */
  recordReadiness(ref: ObjectRef, obj: ConditionsHolder, deleted = false): void {
    this.recordCondition(ref, obj, ConditionType.Ready, deleted);
  }

  /** recordSuspend sets gotk_suspend_status to 1 when suspended. */
  recordSuspend(ref: ObjectRef, suspended: boolean): void {
    this.#suspend.set(labels(ref), suspended ? 1 : 0);
  }

  /** recordReconcileResult counts one reconcile: `success`, `requeue_after` or `error`. */
  recordReconcileResult(controller: string, result: 'success' | 'requeue_after' | 'error'): void {
    this.#reconciles.inc({ controller, result });
    if (result === 'error') this.#errors.inc({ controller });
  }

  /** text renders the registry in the Prometheus exposition format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}

function labels(ref: ObjectRef) {
  return { kind: ref.kind, name: ref.name, namespace: ref.namespace };
}
