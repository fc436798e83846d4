import type { AsnResponse, CityResponse } from 'maxmind';

/** The documented GeoIP fields, whatever database layout they came from. */
export interface GeoFields {
  city?: { name: string; subdivision?: string };
  country?: { code: string; name: string };
  coordinates?: { latitude: number; longitude: number; accuracy_radius?: number };
}

/** The flat layout of the `@ip-location-db` `.mmdb` files. */
export interface FlatCityRecord {
  country_code?: string;
  state1?: string;
  state2?: string;
  city?: string;
  postcode?: string;
  latitude?: number;
  longitude?: number;
  timezone?: string;
}

export type CityRecord = CityResponse | FlatCityRecord;

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
/** ICU takes microseconds per name; there are only ~250 codes, so every lookup after the first is a map hit. */
const countryNames = new Map<string, string>();

/** English country name from an ISO 3166-1 alpha-2 code, via the runtime's ICU data. */
export function countryName(code: string): string {
  let name = countryNames.get(code);
  if (name === undefined) {
    try {
      name = regionNames.of(code.toUpperCase()) ?? code;
    } catch {
      name = code;
    }
    if (countryNames.size < 1000) countryNames.set(code, name);
  }
  return name;
}

function isFlat(record: CityRecord): record is FlatCityRecord {
  return 'country_code' in record || 'state1' in record;
}

function coordinates(latitude: unknown, longitude: unknown, accuracy?: unknown): GeoFields['coordinates'] {
  if (typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
  return {
    latitude,
    longitude,
    ...(typeof accuracy === 'number' ? { accuracy_radius: accuracy } : {}),
  };
}

/** Maps a city or country record (MaxMind GeoIP2 layout or the flat layout) to the API fields. */
export function geoFieldsFrom(record: CityRecord | null | undefined): GeoFields {
  if (!record) return {};
  const out: GeoFields = {};
  if (isFlat(record)) {
    if (record.country_code) out.country = { code: record.country_code, name: countryName(record.country_code) };
    if (record.city) out.city = { name: record.city, ...(record.state1 ? { subdivision: record.state1 } : {}) };
    const c = coordinates(record.latitude, record.longitude);
    if (c) out.coordinates = c;
    return out;
  }
  // GeoIP2: `country` is where the address is used; `registered_country` is the fallback
  // for addresses with no location (anycast ranges, for instance).
  const country = record.country ?? record.registered_country;
  if (country?.iso_code)
    out.country = { code: country.iso_code, name: country.names?.en ?? countryName(country.iso_code) };
  const cityName = 'city' in record ? record.city?.names?.en : undefined;
  if (cityName) {
    const sub = 'subdivisions' in record ? record.subdivisions?.[0] : undefined;
    const subdivision = sub?.iso_code ?? sub?.names?.en;
    out.city = { name: cityName, ...(subdivision ? { subdivision } : {}) };
  }
  if ('location' in record && record.location) {
    const c = coordinates(record.location.latitude, record.location.longitude, record.location.accuracy_radius);
    if (c) out.coordinates = c;
  }
  return out;
}

/** GeoLite2-ASN / GeoIP2-ISP records name the same two fields. */
export function asnFrom(record: AsnResponse | null | undefined): { number: number; organization: string } | undefined {
  if (!record || typeof record.autonomous_system_number !== 'number') return undefined;
  return { number: record.autonomous_system_number, organization: record.autonomous_system_organization ?? '' };
}
