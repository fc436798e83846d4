import { readFileSync } from 'node:fs';

export type OuiRegistry = 'MA-L' | 'MA-M' | 'MA-S';

export interface OuiEntry {
  prefix: string;
  registry: OuiRegistry;
  vendor: string;
}

const REGISTRY_BY_LENGTH: Record<number, OuiRegistry> = { 6: 'MA-L', 7: 'MA-M', 9: 'MA-S' };

/**
 * IEEE assignments keyed by 6 (MA-L), 7 (MA-M) or 9 (MA-S) hex digits. MA-M and MA-S blocks are
 * carved out of MA-L prefixes registered to the IEEE itself, so the longest prefix wins.
 */
export class OuiIndex {
  private constructor(private readonly entries: Map<string, OuiEntry>) {}

  /** `{ "001C42": "Parallels, Inc.\n660 SW 39h Street\n…" }` — the oui-data layout. */
  static fromRecords(records: unknown): OuiIndex {
    if (typeof records !== 'object' || records === null || Array.isArray(records)) {
      throw new Error('OUI data is not an object of prefix → vendor');
    }
    const entries = new Map<string, OuiEntry>();
    for (const [key, value] of Object.entries(records)) {
      const prefix = key.toUpperCase();
      const registry = REGISTRY_BY_LENGTH[prefix.length];
      if (!registry || !/^[0-9A-F]+$/.test(prefix) || typeof value !== 'string') continue;
      // The first line is the organisation; the rest is its postal address.
      entries.set(prefix, { prefix, registry, vendor: value.split('\n', 1)[0].trim() });
    }
    return new OuiIndex(entries);
  }

  static fromFile(path: string): OuiIndex {
    return OuiIndex.fromRecords(JSON.parse(readFileSync(path, 'utf8')));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Three map probes at most, whatever the size of the table. */
  lookup(macHex: string): OuiEntry | undefined {
    return (
      this.entries.get(macHex.slice(0, 9)) ??
      this.entries.get(macHex.slice(0, 7)) ??
      this.entries.get(macHex.slice(0, 6))
    );
  }
}
