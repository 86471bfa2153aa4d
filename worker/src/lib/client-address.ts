import ipaddr from 'ipaddr.js';

/**
 * The part of a client's IP address that stands for one client, for rate limits, likes and IP
 * bans: an IPv4 address as it is, an IPv6 address cut to its /64 (every IPv6 client is given
 * a whole /64, so counting single addresses would give one client 2^64 votes), and an
 * IPv4-mapped IPv6 address as the IPv4 address it maps. Anything that is not an IP address
 * (only possible outside Cloudflare's network) is kept as written, trimmed and lowercased.
 *
 * @example
 * clientNetwork('2001:db8:1:2:aaaa::1') // '2001:db8:1:2::/64'
 * clientNetwork('::ffff:192.0.2.7')     // '192.0.2.7'
 */
export function clientNetwork(ip: string): string {
  const text = ip.trim().replace(/%.*$/, '');
  if (!ipaddr.isValid(text)) return ip.trim().toLowerCase();
  let address = ipaddr.parse(text);
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress()) address = address.toIPv4Address();
  if (address instanceof ipaddr.IPv4) return address.toString();
  const prefix = address.parts.slice(0, 4).map((part) => part.toString(16));
  return `${prefix.join(':')}::/64`;
}
