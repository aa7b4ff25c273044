// The address a request came from, as the per-address throttles (sign-in, room joins) count it.

/**
 * The nearest hop that Next.js or the operator's reverse proxy recorded: the last X-Forwarded-For entry (a proxy
 * appends the address it saw; Next.js sets the socket's address when no proxy did). "unknown" when there is none.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").map((part) => part.trim()).filter(Boolean).pop();
  return (last ?? headers.get("x-real-ip")?.trim() ?? "unknown").slice(0, 100).toLowerCase();
}
