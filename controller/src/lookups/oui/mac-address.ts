const SEPARATED = /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i;
const BARE = /^[0-9a-f]{12}$/i;
const DOTTED = /^([0-9a-f]{4})\.([0-9a-f]{4})\.([0-9a-f]{4})$/i;

/**
 * The 12 upper-case hex digits of a MAC written as `00:1C:42:AB:CD:EF`, `00-1C-42-AB-CD-EF`,
 * `001C42ABCDEF` or Cisco's `001c.42ab.cdef` (any case), or null. Mixed separators are refused.
 */
export function normalizeMac(input: string): string | null {
  const text = input.trim();
  if (text.length > 17) return null;
  const separated = SEPARATED.exec(text);
  if (separated)
    return [1, 3, 4, 5, 6, 7]
      .map((i) => separated[i])
      .join('')
      .toUpperCase();
  if (BARE.test(text)) return text.toUpperCase();
  const dotted = DOTTED.exec(text);
  if (dotted) return (dotted[1] + dotted[2] + dotted[3]).toUpperCase();
  return null;
}

/** `00:1C:42:AB:CD:EF` from 12 hex digits. */
export function formatMac(hex: string): string {
  return hex.match(/../g)!.join(':');
}

/** IEEE prefix notation: `00-1C-42` (MA-L), `70-B3-D5-1` (MA-M), `00-1B-C5-00-0` (MA-S). */
export function formatPrefix(prefix: string): string {
  return prefix.match(/..?/g)!.join('-');
}

/** The U/L bit: set on randomised and otherwise locally assigned addresses, which no vendor owns. */
export function isLocallyAdministered(hex: string): boolean {
  return (parseInt(hex.slice(0, 2), 16) & 0x02) !== 0;
}
