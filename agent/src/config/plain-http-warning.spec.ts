import { plainHttpWarning } from './plain-http-warning';

describe('plainHttpWarning', () => {
  it.each([
    'http://192.0.2.10:8080',
    'http://controller.example.com',
    'http://10.0.0.5',
    'http://[2001:db8::1]:8080',
    'http://127.example.com', // a name, not a loopback address
  ])('warns loudly about plain http to %s', (url) => {
    expect(plainHttpWarning(url)).toMatch(/^INSECURE: .*plain http:\/\/ to a non-loopback address.*https:\/\//);
  });

  it.each([
    'https://controller.example.com',
    'https://192.0.2.10:8443',
    'http://127.0.0.1:8080',
    'http://127.1.2.3',
    'http://localhost:8080',
    'http://agent.localhost',
    'http://[::1]:8080',
    'http://[::ffff:127.0.0.1]:8080',
    'not a url',
  ])('stays quiet for %s', (url) => {
    expect(plainHttpWarning(url)).toBeNull();
  });
});
