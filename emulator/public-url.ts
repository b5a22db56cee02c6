/**
 * Whether a callback URL is public, for the emulator's `publicCallbackUrlsOnly` option. Calendly's
 * webhooks page says the callback URL "must be public"; it does not say how it checks. The emulator
 * judges the URL's host as written, without DNS: `localhost` and `*.localhost`, names under the
 * special-use `.local` and `.internal`, and IP literals in loopback, private, link-local, shared
 * (CGNAT), unspecified, multicast or reserved ranges are not public. A name that resolves to a
 * private address passes (resolving names would make tests depend on the machine's resolver).
 *
 * The ranges are node:net's BlockList, the platform's own matcher for IPv4 and IPv6 subnets.
 */
import { BlockList, isIP } from "node:net";

const NOT_PUBLIC_V4: readonly [string, number][] = [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // shared address space (carrier-grade NAT)
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (and cloud metadata endpoints)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and the broadcast address
];

const NOT_PUBLIC_V6: readonly [string, number][] = [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
];

const SPECIAL_NAMES = /(^|\.)(localhost|local|internal)$/i;

function blockList(): BlockList {
  const list = new BlockList();
  for (const [address, prefix] of NOT_PUBLIC_V4) list.addSubnet(address, prefix, "ipv4");
  for (const [address, prefix] of NOT_PUBLIC_V6) list.addSubnet(address, prefix, "ipv6");
  return list;
}

const NOT_PUBLIC = blockList();

/** Why `url`'s host is not public, or `undefined` when it is (or the URL does not parse). */
export function nonPublicHostProblem(url: string): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined;
  }
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  const name = bare.replace(/\.$/, "");
  if (SPECIAL_NAMES.test(name)) return `${host} is a local name`;
  const family = isIP(bare);
  if (family === 0) return undefined;
  // BlockList judges an IPv4-mapped IPv6 address (::ffff:a00:1) by its IPv4 ranges.
  return NOT_PUBLIC.check(bare, family === 4 ? "ipv4" : "ipv6")
    ? `${host} is a loopback, private, link-local or reserved address`
    : undefined;
}
