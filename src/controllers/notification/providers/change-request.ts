// Comments on pull and merge requests: one comment per object and Provider, found again by a hidden marker and
// edited in place.
import { type FluxEvent, MetaKey } from '../event.ts';
import { ProviderHttpError } from './http.ts';
import { formatMarkdownPost } from './markdown.ts';

/** commentMarker is the HTML comment that identifies the comment of this Provider and object. */
export function commentMarker(event: FluxEvent, providerUID: string, prefix: string): string {
  const io = event.involvedObject;
  return `<!-- ${prefix}:${providerUID}/${io.kind}/${io.namespace}/${io.name} -->`;
}

/** commentBody is the marker followed by the markdown post. */
export function commentBody(event: FluxEvent, providerUID: string, prefix: string): string {
  return `${commentMarker(event, providerUID, prefix)}\n\n${formatMarkdownPost(event)}`;
}

/** changeRequestNumber reads the `change_request` metadata as a pull/merge request number. */
export function changeRequestNumber(event: FluxEvent): number {
  const value = event.metadata?.[MetaKey.changeRequest];
  if (value === undefined) throw new ProviderHttpError(`missing "${MetaKey.changeRequest}" metadata key`);
  if (!/^[+-]?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new ProviderHttpError(`invalid "${MetaKey.changeRequest}" metadata value "${value}"`);
  }
  return Number(value);
}
