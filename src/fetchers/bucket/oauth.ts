// The OAuth2 token request both cloud providers make (RFC 6749 §4.4 / RFC 7523): a form POSTed to the token
// endpoint, answered with `access_token` and `expires_in`, or with `error` and `error_description`, which the
// BucketError quotes (its first line only: Entra ID appends trace ids). Never the form: it carries the secret.
import type { HttpClient, HttpResponse } from '../oci/index.ts';
import { asBucketError, readText } from './client.ts';
import { BucketError } from './errors.ts';

const MAX_JSON = 1024 * 1024;

/** AccessToken is a granted token and its lifetime in seconds (3600 when the answer has none). */
export interface AccessToken {
  value: string;
  expiresIn: number;
}

/** requestToken POSTs the form; `subject` says which endpoint and identity, for errors. */
export async function requestToken(
  http: HttpClient,
  url: URL,
  form: URLSearchParams,
  subject: string,
  signal?: AbortSignal,
): Promise<AccessToken> {
  const body = Buffer.from(form.toString());
  let res: HttpResponse;
  try {
    res = await http.send({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) },
      body,
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    throw asBucketError(subject, err);
  }
  const text = await readText(res, MAX_JSON, subject);
  let answer: { access_token?: string; expires_in?: number | string; error?: string; error_description?: string } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    // Not JSON: the status says enough.
  }
  if (res.status !== 200 || !answer.access_token) {
    const description = answer.error_description?.split(/\r?\n/u)[0];
    const why = answer.error ? `${answer.error}${description ? `: ${description}` : ''}` : `HTTP ${res.status}`;
    throw new BucketError('auth', `${subject} failed: ${why}`, { status: res.status });
  }
  const lifetime = Number(answer.expires_in ?? 3600);
  return { value: answer.access_token, expiresIn: Number.isFinite(lifetime) ? lifetime : 3600 };
}
