/** Severity is a Flux event severity; error ↔ Warning, info and trace ↔ Normal Kubernetes events. */
export type Severity = 'trace' | 'info' | 'error';

/** ObjectReference is corev1.ObjectReference as it appears in events. */
export interface ObjectReference {
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
}

/** FluxEvent is the body POSTed to notification-controller (fluxcd/pkg apis/event/v1beta1 Event). */
export interface FluxEvent {
  involvedObject: ObjectReference;
  severity: Severity;
  timestamp: string;
  message: string;
  reason: string;
  metadata?: Record<string, string>;
  reportingController: string;
  reportingInstance?: string;
}

/** EventInput is what a reconciler says; metadata keys without a `/` are prefixed with the object's API group. */
export interface EventInput {
  severity: Severity;
  reason: string;
  message: string;
  metadata?: Record<string, string>;
}

/** eventAnnotationPrefix marks object annotations copied into every event's metadata (Flux RFC-0008). */
export const eventAnnotationPrefix = 'event.toolkit.fluxcd.io/';

/** maxEventMessageLength is notification-controller's limit on event messages. */
export const maxEventMessageLength = 39_000;
