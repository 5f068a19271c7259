import type { KubeObject, WatchEvent } from './types.ts';

/**
 * readWatchEvents decodes a watch response (one JSON object per line) into events. Lines that are not JSON are
 * skipped: the server only sends complete objects, so a partial line means the stream was cut and ends here.
 */
export async function* readWatchEvents<T extends KubeObject>(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<WatchEvent<T>> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== '') {
        const event = parseLine<T>(line);
        if (event) yield event;
      }
      newline = buffered.indexOf('\n');
    }
  }
  const rest = buffered.trim();
  if (rest !== '') {
    const event = parseLine<T>(rest);
    if (event) yield event;
  }
}

function parseLine<T extends KubeObject>(line: string): WatchEvent<T> | undefined {
  try {
    return JSON.parse(line) as WatchEvent<T>;
  } catch {
    return undefined;
  }
}
