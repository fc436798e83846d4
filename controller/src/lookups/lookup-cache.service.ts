import { Injectable, Logger } from '@nestjs/common';
import { TimeSeriesStore } from '../timeseries/timeseries.store';

export type CacheKind = 'geoip' | 'whois';

export interface Cached<T> {
  value: T;
  cached: boolean;
  cacheTime: Date;
}

interface CacheRow {
  value: string;
  cached_at: string;
}

/** ClickHouse renders DateTime64 as "2024-01-01 12:00:00.123" (UTC column). */
function fromClickHouseTime(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}Z`);
}

const DAY_MS = 86_400_000;

/**
 * Lookup answers cached in the time-series store, so every replica shares them and a restart
 * keeps them. The cache is an optimisation: if the store fails, the lookup is still answered.
 * Concurrent misses for the same key share one computation (one WHOIS query, not ten).
 */
@Injectable()
export class LookupCache {
  private readonly logger = new Logger('LookupCache');
  private readonly inFlight = new Map<string, Promise<Cached<unknown>>>();

  constructor(private readonly store: TimeSeriesStore) {}

  async remember<T>(
    kind: CacheKind,
    key: string,
    version: string,
    ttlDays: number,
    compute: () => Promise<T>,
  ): Promise<Cached<T>> {
    const flightKey = `${kind}\u0000${key}\u0000${version}`;
    const running = this.inFlight.get(flightKey);
    if (running) return running as Promise<Cached<T>>;
    const work = this.lookupOrCompute(kind, key, version, ttlDays, compute).finally(() =>
      this.inFlight.delete(flightKey),
    );
    this.inFlight.set(flightKey, work);
    return work;
  }

  private async lookupOrCompute<T>(
    kind: CacheKind,
    key: string,
    version: string,
    ttlDays: number,
    compute: () => Promise<T>,
  ): Promise<Cached<T>> {
    if (ttlDays > 0) {
      const hit = await this.get<T>(kind, key, version);
      if (hit) return hit;
    }
    const value = await compute();
    const cacheTime = new Date();
    if (ttlDays > 0) await this.put(kind, key, version, value, cacheTime, ttlDays);
    return { value, cached: false, cacheTime };
  }

  private async get<T>(kind: CacheKind, key: string, version: string): Promise<Cached<T> | null> {
    try {
      const rows = await this.store.query<CacheRow>(
        `SELECT value, toString(cached_at) AS cached_at
           FROM lookup_cache
          WHERE kind = {kind:String} AND key = {key:String} AND version = {version:String}
            AND expires_at > now64(3)
          ORDER BY cached_at DESC
          LIMIT 1`,
        { kind, key, version },
      );
      if (rows.length === 0) return null;
      return { value: JSON.parse(rows[0].value) as T, cached: true, cacheTime: fromClickHouseTime(rows[0].cached_at) };
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
    ttlDays: number,
  ): Promise<void> {
    try {
      await this.store.insert('lookup_cache', [
        {
          kind,
          key,
          version,
          value: JSON.stringify(value),
          cached_at: at.toISOString(),
          expires_at: new Date(at.getTime() + ttlDays * DAY_MS).toISOString(),
        },
      ]);
    } catch (e) {
      this.logger.warn({ kind, err: (e as Error).message }, 'lookup cache write failed');
    }
  }
}
