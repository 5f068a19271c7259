// OpenTelemetry: each event becomes one span, exported as OTLP/HTTP protobuf (ExportTraceServiceRequest). The
// trace id is derived from the Alert's UID and the revision, so every event about one revision lands in one trace.
import { createHash, randomBytes } from 'node:crypto';

import { type FluxEvent, eventTime } from '../event.ts';
import { postMessage } from './http.ts';
import { type NotifierFactory, ProviderConfigError, requireUrl, sortedEntries, via } from './types.ts';

/** Proto writes protobuf wire format: varints, length-delimited fields and fixed64 timestamps. */
class Proto {
  readonly parts: Buffer[] = [];

  private varint(n: number | bigint): void {
    let v = BigInt(n);
    const bytes: number[] = [];
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) b |= 0x80;
      bytes.push(b);
    } while (v > 0n);
    this.parts.push(Buffer.from(bytes));
  }

  bytes(field: number, data: Buffer | string): this {
    const buf = Buffer.from(data);
    this.varint((field << 3) | 2);
    this.varint(buf.length);
    this.parts.push(buf);
    return this;
  }

  message(field: number, inner: Proto): this {
    return this.bytes(field, inner.done());
  }

  uint(field: number, n: number): this {
    this.varint(field << 3);
    this.varint(n);
    return this;
  }

  fixed64(field: number, n: bigint): this {
    this.varint((field << 3) | 1);
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(n);
    this.parts.push(b);
    return this;
  }

  fixed32(field: number, n: number): this {
    this.varint((field << 3) | 5);
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.parts.push(b);
    return this;
  }

  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function keyValue(key: string, value: string): Proto {
  return new Proto().bytes(1, key).message(2, new Proto().bytes(1, value));
}

/** otelRevision is what identifies a release: `app-version@oci-digest` for Helm OCI charts, else the revision. */
export function otelRevision(metadata: Record<string, string> | undefined): string {
  const md = metadata ?? {};
  if (md['oci-digest'] !== undefined && md['app-version'] !== undefined)
    return `${md['app-version']}@${md['oci-digest']}`;
  return md['revision'] ?? 'unknown';
}

/** traceId is the first 16 bytes of sha256("<alert uid>:<revision>"). */
export function traceId(alertUid: string, revision: string): Buffer {
  return createHash('sha256').update(`${alertUid}:${revision}`).digest().subarray(0, 16);
}

const nanos = (d: Date) => BigInt(d.getTime()) * 1_000_000n;

/** otelRequest encodes one span for the event as an ExportTraceServiceRequest. */
export function otelRequest(
  event: FluxEvent,
  alert: { namespace: string; name: string; uid: string },
  endTime: Date,
  spanId: Buffer = randomBytes(8),
): Buffer {
  const io = event.involvedObject;
  const resource = new Proto()
    .message(1, keyValue('service.instance.id', alert.uid))
    .message(1, keyValue('service.name', `${alert.namespace}/${alert.name}`))
    .message(1, keyValue('service.namespace', alert.namespace));
  const span = new Proto()
    .bytes(1, traceId(alert.uid, otelRevision(event.metadata)))
    .bytes(2, spanId)
    .bytes(5, `${io.kind}: ${io.namespace}/${io.name}`)
    .uint(6, 1)
    .fixed64(7, nanos(eventTime(event)))
    .fixed64(8, nanos(endTime));
  for (const [k, v] of [
    ['object.uid', io.uid ?? ''],
    ['object.kind', io.kind],
    ['object.name', io.name],
    ['object.namespace', io.namespace],
    ...sortedEntries(event.metadata),
  ] as const) {
    span.message(9, keyValue(k, v));
  }
  const status = event.severity === 'error' ? new Proto().bytes(2, event.message).uint(3, 2) : new Proto().uint(3, 1);
  span.message(15, status).fixed32(16, 0x300);
  const scopeSpans = new Proto().message(1, new Proto().bytes(1, 'flux:notification-controller')).message(2, span);
  const resourceSpans = new Proto()
    .message(1, resource)
    .message(2, scopeSpans)
    .bytes(3, 'https://opentelemetry.io/schemas/1.34.0');
  return new Proto().message(1, resourceSpans).done();
}

export const otel: NotifierFactory = (s) => {
  const url = requireUrl(s.address, 'OTLP endpoint');
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/v1/traces';
  const headers: Record<string, string> = { ...s.headers };
  const token = s.token || s.password;
  if (Object.keys(headers).length > 0 && !headers['Authorization']) {
    if (!s.username) headers['Authorization'] = `Bearer ${token}`;
    else if (token) headers['Authorization'] = `Basic ${Buffer.from(`${s.username}:${token}`).toString('base64')}`;
  }
  return {
    async post(event, ctx) {
      if (event.involvedObject.kind === 'HelmRepository') return;
      const alert = s.alert;
      if (!alert.uid) throw new ProviderConfigError('alert metadata not found in context');
      const body = otelRequest(
        event,
        { namespace: alert.namespace ?? '', name: alert.name ?? '', uid: alert.uid },
        new Date(),
      );
      await postMessage(url.toString(), body, {
        ...via(s, ctx),
        contentType: 'application/x-protobuf',
        headers: { ...headers, 'User-Agent': 'OTel Go OTLP over HTTP/protobuf exporter/1.44.0' },
      });
    },
  };
};
