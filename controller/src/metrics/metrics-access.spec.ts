import { metricsAccess } from './metrics-access';

const TOKEN = 'scrape-token-0123456789';

describe('metricsAccess', () => {
  it('is off by default: the API port answers 404', () => {
    expect(metricsAccess({ host: '127.0.0.1' }, 'api', undefined)).toBe('not_found');
    expect(metricsAccess({ host: '127.0.0.1' }, 'api', `Bearer ${TOKEN}`)).toBe('not_found');
  });

  it('serves on the API port only with the token', () => {
    const settings = { host: '127.0.0.1', token: TOKEN };
    expect(metricsAccess(settings, 'api', `Bearer ${TOKEN}`)).toBe('serve');
    expect(metricsAccess(settings, 'api', `bearer ${TOKEN}`)).toBe('serve');
    expect(metricsAccess(settings, 'api', undefined)).toBe('unauthorized');
    expect(metricsAccess(settings, 'api', `Bearer ${TOKEN}x`)).toBe('unauthorized');
    expect(metricsAccess(settings, 'api', TOKEN)).toBe('unauthorized');
  });

  it('with a port of its own, serves only there, and asks for the token when one is set', () => {
    expect(metricsAccess({ host: '127.0.0.1', port: 9464 }, 'api', undefined)).toBe('not_found');
    expect(metricsAccess({ host: '127.0.0.1', port: 9464, token: TOKEN }, 'api', `Bearer ${TOKEN}`)).toBe('not_found');
    expect(metricsAccess({ host: '127.0.0.1', port: 9464 }, 'own', undefined)).toBe('serve');
    expect(metricsAccess({ host: '127.0.0.1', port: 9464, token: TOKEN }, 'own', undefined)).toBe('unauthorized');
    expect(metricsAccess({ host: '127.0.0.1', port: 9464, token: TOKEN }, 'own', `Bearer ${TOKEN}`)).toBe('serve');
  });
});
