import { ApiError } from '../../common/api-error';
import { parseWhoisQuery } from './whois-query';

function refusal(input: string): { code: string; message: string } {
  try {
    parseWhoisQuery(input);
  } catch (e) {
    if (e instanceof ApiError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error(`accepted ${input}`);
}

describe('parseWhoisQuery', () => {
  it.each([
    ['8.8.8.8', { kind: 'ip', text: '8.8.8.8' }],
    ['2001:4860:4860:0::8888', { kind: 'ip', text: '2001:4860:4860::8888' }],
    ['Example.COM', { kind: 'domain', domain: 'example.com', text: 'example.com' }],
    ['example.co.uk.', { kind: 'domain', domain: 'example.co.uk', text: 'example.co.uk' }],
    ['xn--bcher-kva.example', { kind: 'domain', text: 'xn--bcher-kva.example' }],
  ])('accepts %p', (input, expected) => {
    expect(parseWhoisQuery(input)).toMatchObject(expected);
  });

  it.each([
    '8.8.8.8; rm -rf /',
    '$(id)',
    '`id`',
    'example.com && ls',
    'example.com\r\nexample.org',
    '-h whois.evil.example example.com',
    'localhost',
    'example',
    '-example.com',
    'exa_mple.com',
    'example..com',
    'a'.repeat(64) + '.com',
    'example.123',
    'fe80::1%eth0',
    '',
    ' ',
  ])('refuses %p', (input) => {
    expect(refusal(input).code).toBe('invalid_query');
  });

  it('refuses over-long input before looking at it', () => {
    expect(refusal('a'.repeat(254))).toEqual({ code: 'invalid_query', message: expect.stringMatching(/too long/) });
    expect(refusal(`${'a.'.repeat(200)}com`).code).toBe('invalid_query');
  });

  it('refuses private and reserved addresses with the reason', () => {
    expect(refusal('10.0.0.1')).toEqual({
      code: 'reserved_address',
      message: expect.stringMatching(/10\.0\.0\.0\/8.*private/),
    });
    expect(refusal('::1').code).toBe('reserved_address');
  });
});
