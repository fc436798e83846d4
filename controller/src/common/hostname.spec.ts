import { isHostname, parseDomainName, parseHostname } from './hostname';

describe('parseHostname', () => {
  it('accepts single-label and dotted names, lower-cased, without a trailing dot', () => {
    expect(parseHostname('Router')).toBe('router');
    expect(parseHostname('dns.google.')).toBe('dns.google');
    expect(parseHostname('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
  });

  it.each(['', 'a b', 'host;id', '-host', 'host-', 'a..b', 'under_score', 'x'.repeat(64), `${'a.'.repeat(127)}com`])(
    'refuses %p',
    (input) => {
      expect(parseHostname(input)).toBeNull();
    },
  );
});

describe('isHostname', () => {
  it.each(['router', 'dns.google', 'Example.COM', 'a-b.example.co.uk', 'xn--bcher-kva.example', '1.example', 'host.example1'])(
    'accepts %p',
    (name) => expect(isHostname(name)).toBe(true),
  );

  it.each(['', 'example.com.', ' example.com', 'a..b', '-a.example', 'a-.example', 'under_score.example', 'bücher.example'])(
    'refuses %p',
    (name) => expect(isHostname(name)).toBe(false),
  );

  it('refuses an all-digit last label: a mistyped IPv4 address is not a name to resolve', () => {
    for (const name of ['1.2.3.999', '256.1.1.1', '10.0.0', 'host.123', '42']) {
      expect(isHostname(name)).toBe(false);
      expect(parseHostname(name)).toBeNull();
    }
  });

  it('is the rule parseHostname applies after trimming, lower-casing and dropping the root dot', () => {
    for (const name of ['Router', 'dns.google.', ' x.example ', 'a..b', '1.2.3.999', '-x']) {
      const normal = name.trim().toLowerCase().replace(/\.$/, '');
      expect(parseHostname(name)).toBe(isHostname(normal) ? normal : null);
    }
  });
});

describe('parseDomainName', () => {
  it('needs two labels and an alphabetic or punycode top level', () => {
    expect(parseDomainName('Example.CO.uk')).toBe('example.co.uk');
    expect(parseDomainName('example.xn--p1ai')).toBe('example.xn--p1ai');
    expect(parseDomainName('localhost')).toBeNull();
    expect(parseDomainName('example.123')).toBeNull();
  });
});
