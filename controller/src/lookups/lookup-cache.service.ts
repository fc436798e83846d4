import { Injectable, Logger } from '@nestjs/common';
import { fromClickHouseTime } from '../timeseries/clickhouse-time';
import { TimeSeriesStore } from '../timeseries/timeseries.store';

export type CacheKind = 'geoip' | 'whois';

export interface Cached<T> {
  value: T;
  cached: boolean;
  cacheTime: Date;
}

/** Aliases differ from the column names: ClickHouse would otherwise apply them in WHERE too. */
interface CacheRow {
  value: string;
  cached_text: string;
  expires_text: string;
}

const DAY_MS = 86_400_000;
/** Recent answers kept in memory too: a ClickHouse round trip costs milliseconds, a map hit nothing. */
const MEMORY_ENTRIES = 10_000;

interface MemoryEntry {
  value: unknown;
  cacheTime: Date;
  expiresAt: number;
}

/**
 * Lookup answers cached in the time-series store, so every replica shares them and a restart
 * keeps them, with the most recent ones also held in memory. The cache is an optimisation: if
 * the store fails, the lookup is still answered. Concurrent misses for the same key share one
 * computation (one WHOIS query, not ten).
 */
@Injectable()
export class LookupCache {
  private readonly logger = new Logger('LookupCache');
  private readonly inFlight = new Map<string, Promise<Cached<unknown>>>();
  /** Least recently used first (Map keeps insertion order; a hit re-inserts). */
  private readonly memory = new Map<string, MemoryEntry>();

  constructor(private readonly store: TimeSeriesStore) {}

  async remember<T>(
    kind: CacheKind,
    key: string,
    version: string,
    ttlDays: number,
    compute: () => Promise<T>,
  ): Promise<Cached<T>> {
    // One key for both the in-flight map and the memory tier: the same answer either way.
    const entryKey = `${kind}\u0000${key}\u0000${version}`;
    const running = this.inFlight.get(entryKey);
    if (running) return running as Promise<Cached<T>>;
    const work = this.lookupOrCompute(entryKey, kind, key, version, ttlDays, compute).finally(() =>
      this.inFlight.delete(entryKey),
    );
    this.inFlight.set(entryKey, work);
    return work;
  }

  private async lookupOrCompute<T>(
    memoryKey: string,
    kind: CacheKind,
    key: string,
    version: string,
    ttlDays: number,
    compute: () => Promise<T>,
  ): Promise<Cached<T>> {
    if (ttlDays > 0) {
      const remembered = this.recall<T>(memoryKey);
      if (remembered) return remembered;
      const hit = await this.get<T>(kind, key, version);
      if (hit) {
        this.keep(memoryKey, hit.value, hit.cacheTime, hit.expiresAt);
        return { value: hit.value, cached: true, cacheTime: hit.cacheTime };
      }
    }
    const value = await compute();
    const cacheTime = new Date();
    if (ttlDays > 0) {
      const expiresAt = cacheTime.getTime() + ttlDays * DAY_MS;
      this.keep(memoryKey, value, cacheTime, expiresAt);
      await this.put(kind, key, version, value, cacheTime, expiresAt);
    }
    return { value, cached: false, cacheTime };
  }

  private recall<T>(memoryKey: string): Cached<T> | null {
    const entry = this.memory.get(memoryKey);
    if (!entry) return null;
    this.memory.delete(memoryKey);
    if (entry.expiresAt <= Date.now()) return null;
    this.memory.set(memoryKey, entry);
    return { value: entry.value as T, cached: true, cacheTime: entry.cacheTime };
  }

  private keep(memoryKey: string, value: unknown, cacheTime: Date, expiresAt: number): void {
    this.memory.delete(memoryKey);
    this.memory.set(memoryKey, { value, cacheTime, expiresAt });
    if (this.memory.size > MEMORY_ENTRIES) this.memory.delete(this.memory.keys().next().value as string);
  }

  private async get<T>(
    kind: CacheKind,
    key: string,
    version: string,
  ): Promise<{ value: T; cacheTime: Date; expiresAt: number } | null> {
    try {
      const rows = await this.store.query<CacheRow>(
        `SELECT value, toString(cached_at) AS cached_text, toString(expires_at) AS expires_text
           FROM lookup_cache
          WHERE kind = {kind:String} AND key = {key:String} AND version = {version:String}
            AND expires_at > now64(3)
          ORDER BY cached_at DESC
          LIMIT 1`,
        { kind, key, version },
      );
      if (rows.length === 0) return null;
      return {
        value: JSON.parse(rows[0].value) as T,
        cacheTime: fromClickHouseTime(rows[0].cached_text),
        expiresAt: fromClickHouseTime(rows[0].expires_text).getTime(),
      };
    } catch (e) {
      this.logger.warn({ kind, err: (e as Error).message }, 'lookup cache read failed; looking up directly');
      return null;
    }
  }

  private async put(
    kind: CacheKind,
    key: string,
    version: string,
    value: unknown,
    at: Date,
    expiresAt: number,
  ): Promise<void> {
    try {
      await this.store.insert('lookup_cache', [
        {
          kind,
          key,
          version,
          value: JSON.stringify(value),
          cached_at: at.toISOString(),
          expires_at: new Date(expiresAt).toISOString(),
        },
      ]);
    } catch (e) {
      this.logger.warn({ kind, err: (e as Error).message }, 'lookup cache write failed');
    }
  }
}
