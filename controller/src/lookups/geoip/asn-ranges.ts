import { readFile } from 'node:fs/promises';
import { compareWords, IpAddress, parseIp } from '../ip-address';

export interface AsnInfo {
  number: number;
  organization: string;
}

const MAX_U32 = 0xffffffff;

/**
 * Writes one address column into `out` at `offset`. The files come in two spellings: addresses
 * (`1.0.0.0`, `2001:200::`) and plain integers (`16777216`; 128-bit decimals for IPv6).
 */
function writeAddress(text: string, version: 4 | 6, out: Uint32Array, offset: number): boolean {
  if (version === 4) {
    const word = text.includes('.') ? (parseIp(text)?.words[0] ?? NaN) : Number(text);
    if (!Number.isInteger(word) || word < 0 || word > MAX_U32) return false;
    out[offset] = word;
    return true;
  }
  let words: number[];
  if (text.includes(':')) {
    const ip = parseIp(text);
    if (ip?.version !== 6) return false;
    words = [...ip.words];
  } else {
    if (!/^\d{1,39}$/.test(text)) return false;
    const value = BigInt(text);
    words = [96n, 64n, 32n, 0n].map((shift) => Number((value >> shift) & 0xffffffffn));
  }
  if (words.length !== 4 || words.some((w) => !Number.isInteger(w))) return false;
  out.set(words, offset);
  return true;
}

/** The organization column, optionally quoted ("" escapes a quote). */
function unquote(field: string): string {
  const f = field.trimEnd();
  return f.length >= 2 && f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1).replaceAll('""', '"') : f;
}

/**
 * IP → ASN from inclusive ranges (the `@ip-location-db/asn` CSV layout), kept in typed arrays
 * sorted by range start and answered by binary search: one file of ~400k ranges costs a few
 * megabytes and a lookup is ~20 number comparisons with no allocation.
 */
export class AsnRangeIndex {
  private constructor(
    readonly version: 4 | 6,
    private readonly width: number,
    private readonly starts: Uint32Array,
    private readonly ends: Uint32Array,
    private readonly asns: Uint32Array,
    private readonly orgIds: Uint32Array,
    private readonly orgs: string[],
  ) {}

  /**
   * Parses in slices and yields to the event loop between them: a full file takes about a
   * second of CPU, which must not stall agent sockets and other requests while it loads.
   */
  static async fromCsv(text: string, version: 4 | 6, rowsPerSlice = 20_000): Promise<AsnRangeIndex> {
    const width = version === 4 ? 1 : 4;
    // Upper bound on rows; trimmed once parsed.
    let capacity = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) capacity++;
    let starts = new Uint32Array(capacity * width);
    let ends = new Uint32Array(capacity * width);
    let asns = new Uint32Array(capacity);
    let orgIds = new Uint32Array(capacity);
    const orgs: string[] = [];
    const orgIndex = new Map<string, number>();
    let n = 0;
    let sorted = true;
    let lineNo = 0;
    // Scanning with indexOf instead of split/map keeps a 400k-row load well under a second.
    for (let pos = 0; pos < text.length;) {
      let eol = text.indexOf('\n', pos);
      if (eol < 0) eol = text.length;
      lineNo++;
      const a = text.indexOf(',', pos);
      const b = a < 0 || a > eol ? -1 : text.indexOf(',', a + 1);
      const c = b < 0 || b > eol ? -1 : text.indexOf(',', b + 1);
      if (eol - pos > 1 || (eol > pos && text[pos] !== '\r')) {
        const asn = c < 0 || c > eol ? NaN : Number(text.slice(b + 1, c));
        if (
          !Number.isInteger(asn) ||
          !writeAddress(text.slice(pos, a), version, starts, n * width) ||
          !writeAddress(text.slice(a + 1, b), version, ends, n * width)
        ) {
          throw new Error(
            `ASN ranges line ${lineNo} is not "start,end,asn,organization": ${text.slice(pos, Math.min(eol, pos + 80))}`,
          );
        }
        asns[n] = asn;
        const org = unquote(text.slice(c + 1, eol));
        let id = orgIndex.get(org);
        if (id === undefined) {
          id = orgs.push(org) - 1;
          orgIndex.set(org, id);
        }
        orgIds[n] = id;
        if (n > 0 && compareWords(starts, (n - 1) * width, starts, n * width, width) > 0) sorted = false;
        n++;
        if (n % rowsPerSlice === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      pos = eol + 1;
    }
    starts = starts.slice(0, n * width);
    ends = ends.slice(0, n * width);
    asns = asns.slice(0, n);
    orgIds = orgIds.slice(0, n);
    const index = new AsnRangeIndex(version, width, starts, ends, asns, orgIds, orgs);
    return sorted ? index : index.sortedCopy();
  }

  /** Files are published sorted; an operator's hand-made file may not be. */
  private sortedCopy(): AsnRangeIndex {
    const w = this.width;
    const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) =>
      compareWords(this.starts, a * w, this.starts, b * w, w),
    );
    const starts = new Uint32Array(this.starts.length);
    const ends = new Uint32Array(this.ends.length);
    const asns = new Uint32Array(this.size);
    const orgIds = new Uint32Array(this.size);
    order.forEach((from, to) => {
      starts.set(this.starts.subarray(from * w, from * w + w), to * w);
      ends.set(this.ends.subarray(from * w, from * w + w), to * w);
      asns[to] = this.asns[from];
      orgIds[to] = this.orgIds[from];
    });
    return new AsnRangeIndex(this.version, w, starts, ends, asns, orgIds, this.orgs);
  }

  get size(): number {
    return this.asns.length;
  }

  lookup(ip: IpAddress): AsnInfo | null {
    if (ip.version !== this.version) return null;
    const w = this.width;
    const key = ip.words;
    // Last range whose start is ≤ the address; it holds the address if its end is ≥ it.
    let lo = 0;
    let hi = this.size - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (compareWords(this.starts, mid * w, key, 0, w) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0 || compareWords(this.ends, found * w, key, 0, w) < 0) return null;
    return { number: this.asns[found], organization: this.orgs[this.orgIds[found]] };
  }
}

export async function loadAsnRanges(path: string, version: 4 | 6): Promise<AsnRangeIndex> {
  return AsnRangeIndex.fromCsv(await readFile(path, 'utf8'), version);
}
