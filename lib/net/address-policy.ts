// The outbound address policy for customer-given URLs (webhook endpoints, S3 endpoints): no loopback, private, link-local or metadata targets, checked again against the resolved address at connection time.
import { BlockList, isIP, type LookupFunction } from "node:net";
import { lookup as dnsLookup } from "node:dns/promises";

/** `allowPrivate`: the operator's switch for private and loopback targets (never metadata, unspecified or multicast). */
export type AddressPolicy = { allowPrivate: boolean };
/** Resolves a host name to every address; replaceable so tests can play a DNS server that changes its answer. */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };
export type DeliveryTarget =
  | { ok: true; url: URL; hostname: string; address: string; family: 4 | 6 }
  | { ok: false; reason: string; stage: "policy" | "dns" };

const MAX_URL_LENGTH = 2048;

/**
 * Ranges never used for a public web server. Refused unless the operator allows private targets
 * (VERBATIM_WEBHOOK_ALLOW_PRIVATE, VERBATIM_S3_ALLOW_PRIVATE: tests, local development, a self-hosted MinIO).
 */
const privateRanges: [string, number, "ipv4" | "ipv6", string][] = [
  ["10.0.0.0", 8, "ipv4", "private"],
  ["172.16.0.0", 12, "ipv4", "private"],
  ["192.168.0.0", 16, "ipv4", "private"],
  ["127.0.0.0", 8, "ipv4", "loopback"],
  ["169.254.0.0", 16, "ipv4", "link-local"],
  ["100.64.0.0", 10, "ipv4", "carrier-grade NAT"],
  ["192.0.0.0", 24, "ipv4", "IETF protocol assignment"],
  ["192.0.2.0", 24, "ipv4", "documentation"],
  ["198.51.100.0", 24, "ipv4", "documentation"],
  ["203.0.113.0", 24, "ipv4", "documentation"],
  ["198.18.0.0", 15, "ipv4", "benchmarking"],
  ["192.88.99.0", 24, "ipv4", "6to4 relay"],
  ["::1", 128, "ipv6", "loopback"],
  ["fe80::", 10, "ipv6", "link-local"],
  ["fec0::", 10, "ipv6", "site-local"],
  ["fc00::", 7, "ipv6", "unique-local"],
  ["100::", 64, "ipv6", "discard-only"],
  ["64:ff9b:1::", 48, "ipv6", "local-use NAT64"],
  ["2001::", 23, "ipv6", "IETF protocol assignment"],
  ["2001:db8::", 32, "ipv6", "documentation"],
  ["3fff::", 20, "ipv6", "documentation"],
];

/**
 * Refused even when private targets are allowed: no receiver can live there, and the metadata services hand out
 * cloud credentials (AWS/GCP/Azure 169.254.169.254, AWS IPv6 fd00:ec2::254, Alibaba 100.100.100.200, Oracle 192.0.0.192).
 */
const forbiddenRanges: [string, number, "ipv4" | "ipv6", string][] = [
  ["169.254.169.254", 32, "ipv4", "cloud metadata"],
  ["100.100.100.200", 32, "ipv4", "cloud metadata"],
  ["192.0.0.192", 32, "ipv4", "cloud metadata"],
  ["fd00:ec2::254", 128, "ipv6", "cloud metadata"],
  ["0.0.0.0", 8, "ipv4", "unspecified"],
  ["224.0.0.0", 4, "ipv4", "multicast"],
  ["240.0.0.0", 4, "ipv4", "reserved"],
  ["::", 128, "ipv6", "unspecified"],
  ["ff00::", 8, "ipv6", "multicast"],
];

function buildLists(ranges: typeof privateRanges): Map<string, BlockList> {
  const lists = new Map<string, BlockList>();
  for (const [network, prefix, type, label] of ranges) {
    let list = lists.get(label);
    if (!list) lists.set(label, (list = new BlockList()));
    list.addSubnet(network, prefix, type);
  }
  return lists;
}

const privateLists = buildLists(privateRanges);
const forbiddenLists = buildLists(forbiddenRanges);
const globalUnicastV6 = new BlockList();
globalUnicastV6.addSubnet("2000::", 3, "ipv6");

/** The 16 bytes of a valid IPv6 address (zone id dropped, dotted IPv4 tail accepted). */
function ipv6Bytes(address: string): number[] {
  let text = address.split("%")[0];
  const tail: number[] = [];
  const dotted = text.match(/:(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    tail.push(...dotted[1].split(".").map(Number));
    text = text.slice(0, -dotted[1].length) + "0:0";
  }
  const [head, rest] = text.split("::");
  const words = (s: string | undefined) => (s ? s.split(":").filter(Boolean).map((w) => parseInt(w, 16)) : []);
  const left = words(head);
  const right = words(rest);
  const all = rest === undefined ? left : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  const bytes = all.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** The IPv4 address carried inside an IPv6 one that reaches an IPv4 host (mapped, compatible, NAT64, 6to4), or null. */
function embeddedIPv4(address: string): string | null {
  const b = ipv6Bytes(address);
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4 = (at: number) => b.slice(at, at + 4).join(".");
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12); // ::ffff:a.b.c.d, IPv4-mapped
  if (zero(0, 12) && !zero(12, 14)) return v4(12); // ::a.b.c.d, deprecated IPv4-compatible
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return v4(12); // 64:ff9b::/96 NAT64
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2); // 2002::/16 6to4
  return null;
}

type AddressVerdict = { allowed: true } | { allowed: false; category: string; forbidden: boolean };

function classify(address: string, family: 4 | 6): AddressVerdict {
  // An IPv6 address that reaches an IPv4 host is judged by that host.
  if (family === 6) {
    const inner = embeddedIPv4(address);
    if (inner !== null) {
      const verdict = classify(inner, 4);
      return verdict.allowed ? verdict : { ...verdict, category: `${verdict.category}, embedded IPv4 ${inner}` };
    }
  }
  const type = family === 4 ? "ipv4" : "ipv6";
  for (const [category, list] of forbiddenLists) if (list.check(address, type)) return { allowed: false, category, forbidden: true };
  for (const [category, list] of privateLists) if (list.check(address, type)) return { allowed: false, category, forbidden: false };
  // Outside 2000::/3 nothing is assigned as global unicast today.
  if (family === 6 && !globalUnicastV6.check(address, "ipv6")) return { allowed: false, category: "reserved", forbidden: false };
  return { allowed: true };
}

/**
 * Why an address may not be connected to, or null when it may.
 * The reason reads "private address 10.0.0.1 (private)", "private address ::1 (loopback)", ...
 */
export function refusedAddressReason(address: string, options: { allowPrivate: boolean }): string | null {
  const family = isIP(address);
  if (family !== 4 && family !== 6) return `not an IP address: ${address}`;
  const verdict = classify(address, family);
  if (verdict.allowed || (options.allowPrivate && !verdict.forbidden)) return null;
  return `private address ${address} (${verdict.category})`;
}

function bareHostname(url: URL): string {
  return url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
}

/** Whether a URL host names loopback by name (`localhost`, `*.localhost`), which resolvers answer without DNS. */
function isLocalhostName(host: string): boolean {
  const lower = host.toLowerCase().replace(/\.$/, "");
  return lower === "localhost" || lower.endsWith(".localhost");
}

/**
 * The endpoint URL policy, checked when an endpoint is saved and again before each use: https (http only when
 * private targets are allowed, or `httpAllowed`), no credentials, a real port, and no literal or `localhost` private host.
 */
export function validateTargetUrl(input: string, options: AddressPolicy & { httpAllowed?: boolean }): UrlCheck {
  if (typeof input !== "string" || input.length === 0) return { ok: false, reason: "URL is required" };
  if (input.length > MAX_URL_LENGTH) return { ok: false, reason: `URL is longer than ${MAX_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, reason: "not a valid absolute URL" };
  }
  if (url.protocol === "http:") {
    if (!options.allowPrivate && !options.httpAllowed) return { ok: false, reason: "https is required" };
  } else if (url.protocol !== "https:") {
    return { ok: false, reason: `unsupported scheme ${url.protocol.replace(/:$/, "")}; use https` };
  }
  if (url.username || url.password) return { ok: false, reason: "credentials in the URL are not allowed" };
  // URL already drops a default port and refuses ports above 65535; 0 is the one left that cannot be connected to.
  if (url.port === "0") return { ok: false, reason: "port 0 is not allowed" };
  const host = bareHostname(url);
  if (!host) return { ok: false, reason: "URL has no host" };
  if (isIP(host)) {
    const refused = refusedAddressReason(host, options);
    if (refused) return { ok: false, reason: refused };
  } else if (!options.allowPrivate && isLocalhostName(host)) {
    return { ok: false, reason: `private address ${host} (loopback)` };
  }
  return { ok: true, url };
}

/**
 * Checks the URL, resolves its host (every address) and refuses it if any address is not allowed; otherwise returns
 * the first address, to be pinned with `pinnedLookup` so a second DNS answer cannot redirect the connection.
 */
export async function resolveDeliveryTarget(
  input: string,
  options: AddressPolicy & { httpAllowed?: boolean; resolve?: Resolver },
): Promise<DeliveryTarget> {
  const checked = validateTargetUrl(input, options);
  if (!checked.ok) return { ...checked, stage: "policy" };
  const url = checked.url;
  const hostname = bareHostname(url);
  const literal = isIP(hostname);
  if (literal === 4 || literal === 6) return { ok: true, url, hostname, address: hostname, family: literal };

  const resolved = await resolveAllowed(hostname, options, options.resolve ?? systemResolver);
  if (!resolved.ok) return resolved;
  return { ok: true, url, hostname, address: resolved.address, family: resolved.family };
}

type Resolved = { ok: true; address: string; family: 4 | 6 } | { ok: false; reason: string; stage: "policy" | "dns" };

/** Resolves a host name and refuses it when any of its addresses is not allowed; else its first address. */
async function resolveAllowed(hostname: string, policy: AddressPolicy, resolve: Resolver): Promise<Resolved> {
  let answers: { address: string; family: number }[];
  try {
    answers = await resolve(hostname);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "lookup failed";
    return { ok: false, reason: `DNS lookup of ${hostname} failed: ${code}`, stage: "dns" };
  }
  if (answers.length === 0) return { ok: false, reason: `DNS lookup of ${hostname} returned no address`, stage: "dns" };
  // Refuse if any answer is private: otherwise a host with one public and one private record could be steered inside.
  for (const answer of answers) {
    const refused = refusedAddressReason(answer.address, policy);
    if (refused) return { ok: false, reason: refused, stage: "policy" };
  }
  const first = answers[0];
  return { ok: true, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** The error a guarded connection fails with; `code` lets the S3 error mapping say "address not allowed". */
export class AddressRefusedError extends Error {
  readonly code = "ERR_ADDRESS_REFUSED";
  constructor(readonly reason: string) {
    super(`Connection refused by the address policy: ${reason}`);
    this.name = "AddressRefusedError";
  }
}

/**
 * A `lookup` for node:http/https agents that checks every connection: it resolves the host itself, refuses the
 * connection when any address is not allowed, and connects to the address it checked, so a name whose DNS answer
 * changes between a check and the connection (rebinding) cannot reach inside. IP literals never reach a lookup
 * (Node connects to them directly): callers check literals with `validateTargetUrl` first.
 */
export function guardedLookup(policy: AddressPolicy, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    const literal = isIP(hostname);
    const checked: Promise<Resolved> =
      literal === 4 || literal === 6
        ? Promise.resolve(
            refusedAddressReason(hostname, policy)
              ? { ok: false, reason: refusedAddressReason(hostname, policy)!, stage: "policy" }
              : { ok: true, address: hostname, family: literal },
          )
        : !policy.allowPrivate && isLocalhostName(hostname)
          ? Promise.resolve({ ok: false, reason: `private address ${hostname} (loopback)`, stage: "policy" })
          : resolveAllowed(hostname, policy, resolve);
    void checked.then((result) => {
      if (!result.ok) {
        const error: NodeJS.ErrnoException =
          result.stage === "policy" ? new AddressRefusedError(result.reason) : Object.assign(new Error(result.reason), { code: "ENOTFOUND" });
        (callback as (err: NodeJS.ErrnoException) => void)(error);
        return;
      }
      pinnedLookup(result.address, result.family)(hostname, options, callback);
    });
  };
}

/**
 * A `lookup` for node:http/https/net that answers every query with the checked address. The request still names the
 * host, so the Host header and TLS SNI/certificate check use the hostname while the socket goes to the pinned address.
 */
export function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return (_hostname, options, callback) => {
    // Node asks for `all` when it tries several addresses (autoSelectFamily); answer in the shape asked for.
    if (typeof options === "object" && options !== null && (options as { all?: boolean }).all) {
      (callback as unknown as (err: null, addresses: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    } else {
      callback(null, address, family);
    }
  };
}
