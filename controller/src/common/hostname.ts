/** One DNS label: letters, digits and inner hyphens, 1–63 characters. */
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
/** At least two labels and an alphabetic (or punycode) top-level label. */
const DOMAIN = new RegExp(`^(?:${LABEL}\\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$`);

function normalize(input: string): string | null {
  const name = input.trim().toLowerCase().replace(/\.$/, '');
  return name.length >= 1 && name.length <= 253 ? name : null;
}

/**
 * A host name to resolve (`router`, `dns.google`), lower-cased without a trailing dot, or
 * null. ASCII only: internationalised names are given in their `xn--` form.
 */
export function parseHostname(input: string): string | null {
  const name = normalize(input);
  return name && HOSTNAME.test(name) ? name : null;
}

/** A registrable-looking domain name for WHOIS (`example.com`, `example.co.uk`), or null. */
export function parseDomainName(input: string): string | null {
  const name = normalize(input);
  return name && DOMAIN.test(name) ? name : null;
}
