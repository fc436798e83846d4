import { parseDomainName, parseHostname } from './hostname';

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

describe('parseDomainName', () => {
  it('needs two labels and an alphabetic or punycode top level', () => {
    expect(parseDomainName('Example.CO.uk')).toBe('example.co.uk');
    expect(parseDomainName('example.xn--p1ai')).toBe('example.xn--p1ai');
    expect(parseDomainName('localhost')).toBeNull();
    expect(parseDomainName('example.123')).toBeNull();
  });
});
