import { Writable } from 'node:stream';

import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** LogLevel is a `--log-level` value. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'error';

/** LogEncoding is a `--log-encoding` value: JSON lines, or zap's console layout for humans. */
export type LogEncoding = 'json' | 'console';

/**
 * createLogger makes the process logger in Flux's JSON shape: `{"level":"info","ts":"<RFC3339>","msg":…}` plus
 * the bindings of child loggers (controller, object name/namespace, reconcileID).
 */
export function createLogger(level: LogLevel | 'silent' = 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    base: undefined,
    messageKey: 'msg',
    errorKey: 'error',
    timestamp: () => `,"ts":"${new Date().toISOString()}"`,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * reconcileLogger binds the fields Flux logs for each reconcile: controller name, group, kind, the object
 * (`{"<Kind>":{"name","namespace"}}` and flat `name`/`namespace`) and the reconcileID.
 */
export function reconcileLogger(
  parent: Logger,
  fields: { controller: string; group: string; kind: string; namespace?: string; name: string; reconcileID: string },
): Logger {
  const object = { name: fields.name, ...(fields.namespace ? { namespace: fields.namespace } : {}) };
  return parent.child({
    controller: fields.controller,
    controllerGroup: fields.group,
    controllerKind: fields.kind,
    [fields.kind]: object,
    ...object,
    reconcileID: fields.reconcileID,
  });
}

/**
 * consoleDestination renders the JSON log lines like zap's console encoder, for `--log-encoding=console`:
 * `<ts>\t<LEVEL>\t<msg>\t{"other":"fields"}`.
 */
export function consoleDestination(out: NodeJS.WritableStream = process.stderr): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        try {
          const { ts, level, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
          const extra = Object.keys(rest).length > 0 ? `\t${JSON.stringify(rest)}` : '';
          out.write(`${String(ts)}\t${String(level).toUpperCase()}\t${String(msg)}${extra}\n`);
        } catch {
          out.write(`${line}\n`);
        }
      }
      callback();
    },
  });
}
