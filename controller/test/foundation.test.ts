import { Http } from './support/http';
import { describeOnEachDatabase, startTestApp, TestApp } from './support/test-app';

describeOnEachDatabase('foundation', (mode) => {
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    t = await startTestApp(mode);
    http = new Http(t.url);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers /healthz and reports both stores ready', async () => {
    expect((await http.get('/healthz')).body).toEqual({ ok: true });
    const ready = await http.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ ok: true, postgres: { ok: true }, clickhouse: { ok: true } });
  });

  it('echoes a caller X-Request-ID and generates one otherwise', async () => {
    const given = await http.get('/healthz', { 'x-request-id': 'trace-abc.123' });
    expect(given.headers.get('x-request-id')).toBe('trace-abc.123');
    const generated = await http.get('/healthz');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await http.get('/healthz', { 'x-request-id': 'bad id with spaces' });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('renders errors in the documented shape with code and request id', async () => {
    const res = await http.get('/no-such-route', { 'x-request-id': 'req-404' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: expect.any(String), code: 'not_found', request_id: 'req-404' });
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await http.request('POST', '/auth/login', '{"email":', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/JSON/);
  });

  it('answers an oversized body with 413', async () => {
    const res = await http.post('/auth/login', { email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });
});
