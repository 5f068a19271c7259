// URL per view, with the History API: `/` (the overview; filters in the query string),
// `/object/<cluster>/<Kind>/<namespace>/<name>` and `/object/…/diff`. Links are real links (open in a new tab,
// copy, share); a click within the app navigates without reloading.
import { useEffect, useState } from 'preact/hooks';

/** Route is the parsed location. */
export type Route =
  | { view: 'overview'; query: URLSearchParams }
  | { view: 'object' | 'diff'; cluster: string; kind: string; namespace: string; name: string };

/** parseRoute reads a location. */
export function parseRoute(pathname: string, search: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'object' && parts.length >= 5) {
    const [, cluster = '', kind = '', namespace = '', name = ''] = parts;
    return { view: parts[5] === 'diff' ? 'diff' : 'object', cluster, kind, namespace, name };
  }
  return { view: 'overview', query: new URLSearchParams(search) };
}

/** objectHref is the link to an object's page (or its diff). */
export function objectHref(cluster: string, kind: string, namespace: string, name: string, diff = false): string {
  const path = ['object', cluster, kind, namespace, name].map(encodeURIComponent).join('/');
  return `/${path}${diff ? '/diff' : ''}`;
}

const listeners = new Set<() => void>();

/** navigate moves to a URL within the app. */
export function navigate(href: string, replace = false): void {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  for (const l of listeners) l();
}

/** useRoute re-renders on navigation (links, back and forward). */
export function useRoute(): Route {
  const read = (): Route => parseRoute(location.pathname, location.search);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = (): void => setRoute(read());
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** onLinkClick turns plain left clicks on same-origin links into in-app navigation. */
export function onLinkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || a.getAttribute('target') || a.hasAttribute('download')) return;
  // SVG links (the graph) keep their href in an animated string.
  const raw = a instanceof SVGAElement ? a.href.baseVal : a.getAttribute('href');
  // In-page links (the skip link) are the browser's: it scrolls to and focuses their target.
  if (!raw || raw.startsWith('#')) return;
  const url = new URL(raw, location.href);
  if (url.origin !== location.origin) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
  window.scrollTo(0, 0);
  // A new view: keyboard and screen-reader users start at its content, as after a page load.
  document.getElementById('main')?.focus({ preventScroll: true });
}
