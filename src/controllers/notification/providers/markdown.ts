// The markdown post shared by Zulip and the change-request comment providers.
import { type FluxEvent, MetaKey } from '../event.ts';
import { sortedEntries } from './types.ts';

/** formatMarkdownPost renders an event as Flux's "Flux Status" markdown, metadata sorted, change_request left out. */
export function formatMarkdownPost(event: FluxEvent): string {
  const emoji = event.severity === 'error' ? '⚠️' : 'ℹ️';
  const io = event.involvedObject;
  const lines = sortedEntries(event.metadata)
    .filter(([k]) => k !== MetaKey.changeRequest)
    .map(([k, v]) => `* \`${k}\`: ${v}\n`)
    .join('');
  return `## Flux Status\n\n${emoji} ${io.kind}/${io.namespace}/${io.name}\n\n${event.message}\n\nMetadata:\n${lines}`;
}
