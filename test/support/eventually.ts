/**
 * eventually polls check() until it returns a value other than undefined, or fails after timeoutMs with the last
 * error or the description, so a slow condition gives a readable failure instead of a hang.
 */
export async function eventually<T>(
  description: string,
  check: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 60_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const why = lastError instanceof Error ? `: last error: ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${description}${why}`);
}
