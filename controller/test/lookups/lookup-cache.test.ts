import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { LookupCache } from '../../src/lookups/lookup-cache.service';
import { createClickHouseClient } from '../../src/timeseries/clickhouse.client';
import { migrateClickHouse } from '../../src/timeseries/clickhouse.migrator';
import { CLICKHOUSE_MIGRATIONS_DIR } from '../../src/timeseries/timeseries.module';
import { TimeSeriesStore } from '../../src/timeseries/timeseries.store';

describe('LookupCache on chDB', () => {
  let dir: string;
  let store: TimeSeriesStore;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    dir = mkdtempSync(join(tmpdir(), 'nw-lookup-cache-'));
    store = new TimeSeriesStore(createClickHouseClient({ dataDir: dir }));
    await migrateClickHouse(store, CLICKHOUSE_MIGRATIONS_DIR);
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const counter = () => {
    let calls = 0;
    return {
      get calls() {
        return calls;
      },
      compute: async () => ({ answer: ++calls }),
    };
  };

  it('serves a second instance (another replica, or after a restart) from the store', async () => {
    const c = counter();
    const first = await new LookupCache(store).remember('whois', '8.8.8.8', '', 7, c.compute);
    expect(first).toMatchObject({ value: { answer: 1 }, cached: false });
    const other = await new LookupCache(store).remember('whois', '8.8.8.8', '', 7, c.compute);
    expect(other).toEqual({ value: { answer: 1 }, cached: true, cacheTime: first.cacheTime });
    expect(c.calls).toBe(1);
    const rows = await store.query<{ n: string }>(
      'SELECT count() AS n FROM lookup_cache WHERE kind = {kind:String} AND key = {key:String}',
      { kind: 'whois', key: '8.8.8.8' },
    );
    expect(Number(rows[0].n)).toBe(1);
  });

  it('keeps kinds, keys and data versions apart', async () => {
    const cache = new LookupCache(store);
    const c = counter();
    await cache.remember('geoip', '1.1.1.1', 'v1', 3, c.compute);
    expect((await cache.remember('geoip', '1.1.1.1', 'v2', 3, c.compute)).cached).toBe(false);
    expect((await new LookupCache(store).remember('geoip', '1.1.1.1', 'v2', 3, c.compute)).cached).toBe(true);
    expect((await cache.remember('whois', '1.1.1.1', 'v1', 3, c.compute)).cached).toBe(false);
    expect((await cache.remember('geoip', '1.1.1.2', 'v1', 3, c.compute)).cached).toBe(false);
    expect(c.calls).toBe(4);
  });

  it('ignores expired rows and caches nothing when the TTL is 0 days', async () => {
    await store.insert('lookup_cache', [
      {
        kind: 'whois',
        key: 'expired.example',
        version: '',
        value: JSON.stringify({ answer: 'stale' }),
        cached_at: new Date(Date.now() - 9 * 86_400_000).toISOString(),
        expires_at: new Date(Date.now() - 2 * 86_400_000).toISOString(),
      },
    ]);
    const c = counter();
    expect(await new LookupCache(store).remember('whois', 'expired.example', '', 7, c.compute)).toMatchObject({
      value: { answer: 1 },
      cached: false,
    });
    const cache = new LookupCache(store);
    await cache.remember('whois', 'uncached.example', '', 0, c.compute);
    expect((await cache.remember('whois', 'uncached.example', '', 0, c.compute)).cached).toBe(false);
    expect(c.calls).toBe(3);
  });

  it('shares one computation between concurrent misses', async () => {
    const cache = new LookupCache(store);
    let calls = 0;
    // The computation stays open until the test lets it finish: all three misses overlap it.
    let started!: () => void;
    let finish!: () => void;
    const computing = new Promise<void>((resolve) => (started = resolve));
    const held = new Promise<void>((resolve) => (finish = resolve));
    const slow = async () => {
      calls++;
      started();
      await held;
      return { answer: calls };
    };
    const pending = Promise.all([1, 2, 3].map(() => cache.remember('whois', 'busy.example', '', 7, slow)));
    await computing;
    finish();
    const results = await pending;
    expect(calls).toBe(1);
    expect(results.every((r) => r.value.answer === 1)).toBe(true);
  });
});
