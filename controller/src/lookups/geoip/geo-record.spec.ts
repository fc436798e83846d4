import { asnFrom, countryName, geoFieldsFrom } from './geo-record';

describe('geoFieldsFrom', () => {
  it('maps the flat @ip-location-db layout, naming the country from its code', () => {
    expect(
      geoFieldsFrom({
        city: 'Bracknell',
        country_code: 'GB',
        latitude: 51.4036,
        longitude: -0.7618,
        postcode: 'RG12',
        state1: 'England',
        state2: 'Bracknell Forest',
        timezone: 'Europe/London',
      }),
    ).toEqual({
      city: { name: 'Bracknell', subdivision: 'England' },
      country: { code: 'GB', name: 'United Kingdom' },
      coordinates: { latitude: 51.4036, longitude: -0.7618 },
    });
  });

  it('leaves out the city when a flat record has only a country', () => {
    expect(geoFieldsFrom({ city: '', country_code: 'US', latitude: 37.751, longitude: -97.822, state1: '' })).toEqual({
      country: { code: 'US', name: 'United States' },
      coordinates: { latitude: 37.751, longitude: -97.822 },
    });
  });

  it('maps the MaxMind GeoIP2 layout', () => {
    expect(
      geoFieldsFrom({
        city: { geoname_id: 1, names: { en: 'Mountain View' } },
        country: { geoname_id: 2, iso_code: 'US', names: { en: 'United States' } },
        subdivisions: [{ geoname_id: 3, iso_code: 'CA', names: { en: 'California' } }],
        location: { latitude: 37.4056, longitude: -122.0775, accuracy_radius: 1000 },
      }),
    ).toEqual({
      city: { name: 'Mountain View', subdivision: 'CA' },
      country: { code: 'US', name: 'United States' },
      coordinates: { latitude: 37.4056, longitude: -122.0775, accuracy_radius: 1000 },
    });
  });

  it('falls back to the registered country in the GeoIP2 layout', () => {
    expect(
      geoFieldsFrom({ registered_country: { geoname_id: 1, iso_code: 'AU', names: { en: 'Australia' } } }),
    ).toEqual({
      country: { code: 'AU', name: 'Australia' },
    });
  });

  it('returns nothing for no record', () => {
    expect(geoFieldsFrom(null)).toEqual({});
  });
});

describe('asnFrom and countryName', () => {
  it('reads GeoLite2-ASN records', () => {
    expect(asnFrom({ autonomous_system_number: 15169, autonomous_system_organization: 'GOOGLE' })).toEqual({
      number: 15169,
      organization: 'GOOGLE',
    });
    expect(asnFrom(null)).toBeUndefined();
  });

  it('names countries and keeps unknown codes', () => {
    expect(countryName('nl')).toBe('Netherlands');
    expect(countryName('QQ')).toBe('QQ');
    expect(countryName('not a code')).toBe('not a code');
  });
});
