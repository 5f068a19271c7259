// A node:test reporter that writes, for every test file, the wall time from its first event to its last, as lines
// `{"kind":"file","name":"<path>","ms":N}`; scripts/test.ts adds it beside the spec reporter and sums the lines
// per suite in its closing summary (scripts/timing.ts).
import { relative } from 'node:path';

interface Event {
  type: string;
  data?: { file?: string };
}

export default async function* timingReporter(source: AsyncIterable<Event>): AsyncGenerator<string> {
  const spans = new Map<string, { first: number; last: number }>();
  for await (const event of source) {
    const file = event.data?.file;
    if (!file) continue;
    const now = Date.now();
    const span = spans.get(file);
    if (span) span.last = now;
    else spans.set(file, { first: now, last: now });
  }
  for (const [file, span] of spans) {
    yield `${JSON.stringify({ kind: 'file', name: relative(process.cwd(), file), ms: span.last - span.first })}\n`;
  }
}
