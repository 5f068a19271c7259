// The setter values one ImagePolicy contributes: `<ns>:<name>` (the full reference) and its `:tag`, `:name` and
// `:digest` forms, from `status.latestRef`.

/** ImageRef is ImagePolicy `status.latestRef`. */
export interface ImageRef {
  name: string;
  tag: string;
  digest?: string;
}

/** PolicyRef is what the setters need of an ImagePolicy. */
export interface PolicyRef {
  namespace: string;
  name: string;
  latestRef?: ImageRef;
}

/** imageRefString is `ImageRef.String()`: `name:tag`, with `@digest` when known. */
export function imageRefString(ref: ImageRef): string {
  return `${ref.name}:${ref.tag}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** SetterValue is the value a setter writes and the policy it belongs to. */
export interface SetterValue {
  value: string;
  policy: { namespace: string; name: string };
}

/**
 * setterValues maps every setter name of the policies that have a latestRef to its value. A `:digest` setter of a
 * policy without a digest writes the empty string, as Flux does.
 */
export function setterValues(policies: Iterable<PolicyRef>): Map<string, SetterValue> {
  const out = new Map<string, SetterValue>();
  for (const p of policies) {
    const ref = p.latestRef;
    if (!ref) continue;
    const policy = { namespace: p.namespace, name: p.name };
    const base = `${p.namespace}:${p.name}`;
    out.set(base, { value: imageRefString(ref), policy });
    out.set(`${base}:tag`, { value: ref.tag, policy });
    out.set(`${base}:name`, { value: ref.name, policy });
    out.set(`${base}:digest`, { value: ref.digest ?? '', policy });
  }
  return out;
}
