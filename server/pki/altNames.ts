/**
 * subjectAltName entries from the strings Arclight is given: DNS names, IP addresses and URIs.
 */
import { GeneralName } from '@peculiar/asn1-x509';
import { isIPv4 } from 'net';

/**
 * An IPv6 address in the plain hexadecimal form (`::ffff:7f00:1` for `::ffff:127.0.0.1`).
 * The library's address parser reads only hex groups and would misread a dotted IPv4 tail, so
 * the WHATWG URL parser, which always serializes IPv6 as hex groups, rewrites it first. A zone
 * (`%eth0`) is local to this machine and has no place in a certificate: it is dropped.
 */
function hexIPv6(address: string): string | undefined {
  const bare = address.replace(/%.*$/, '');
  return URL.canParse(`http://[${bare}]/`) ? new URL(`http://[${bare}]/`).hostname.slice(1, -1) : undefined;
}

/**
 * An IPv4 address is 4 octets and an IPv6 address 16 (RFC 5280 4.2.1.6). An IPv4-mapped IPv6
 * address (`::ffff:a.b.c.d`) is an IPv6 address and so 16 octets: OpenSSL, and so Node's
 * checkIP and TLS clients, match an address only against an entry of its own length.
 */
export function generalName(name: string): GeneralName {
  if (name.includes('://')) return new GeneralName({ uniformResourceIdentifier: name });
  if (isIPv4(name)) return new GeneralName({ iPAddress: name });
  // No DNS name has a colon. (Asking net.isIP instead compiles its IPv6 pattern: milliseconds of every start.)
  const ipv6 = name.includes(':') ? hexIPv6(name) : undefined;
  if (ipv6) return new GeneralName({ iPAddress: ipv6 });
  return new GeneralName({ dNSName: name });
}
