/** One DNS label: letters, digits and inner hyphens, 1–63 characters (RFC 1123). */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
/** At least two labels and an alphabetic (or punycode) top-level label. */
const DOMAIN_TOP = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const ALL_DIGITS = /^\d+$/;

/**
 * The one host-name rule of the controller (probe targets, lookups, settings): dot-separated
 * RFC 1123 labels, at most 253 characters, ASCII only (internationalised names in their `xn--`
 * form), case-insensitive, no trailing dot. The last label may not be all digits (RFC 3696 §2):
 * `1.2.3.999` is a mistyped IPv4 address, and accepting it as a name would send it to DNS.
 */
export function isHostname(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  const labels = value.toLowerCase().split('.');
  return labels.every((l) => LABEL.test(l)) && !ALL_DIGITS.test(labels[labels.length - 1]);
}

function normalize(input: string): string {
  return input.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * A host name to resolve (`router`, `dns.google`), lower-cased without the trailing dot of a
 * fully qualified name, or null when `isHostname` refuses it.
 */
export function parseHostname(input: string): string | null {
  const name = normalize(input);
  return isHostname(name) ? name : null;
}

/** A registrable-looking domain name for WHOIS (`example.com`, `example.co.uk`), or null. */
export function parseDomainName(input: string): string | null {
  const name = parseHostname(input);
  if (!name) return null;
  const labels = name.split('.');
  return labels.length >= 2 && DOMAIN_TOP.test(labels[labels.length - 1]) ? name : null;
}
