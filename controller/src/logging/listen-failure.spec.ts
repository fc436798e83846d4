import { listenFailure, MetricsListenError } from './listen-failure';

describe('listenFailure', () => {
  it('names METRICS_PORT / METRICS_HOST when the metrics listener is what failed', () => {
    const busy = listenFailure(new MetricsListenError('EADDRINUSE', '127.0.0.1', 9464), { host: '0.0.0.0', port: 8080 });
    expect(busy).toMatchObject({ setting: 'METRICS_PORT', exitCode: 1, message: expect.stringMatching(/^cannot listen for metrics on 127\.0\.0\.1:9464/) });
    expect(listenFailure(new MetricsListenError('EADDRNOTAVAIL', '192.0.2.1', 9464), { host: '0.0.0.0', port: 8080 })).toMatchObject({ setting: 'METRICS_HOST', exitCode: 2 });
    expect(listenFailure(Object.assign(new Error('x'), { code: 'EADDRINUSE' }), { host: '0.0.0.0', port: 8080 }).setting).toBe('PORT');
  });
});
