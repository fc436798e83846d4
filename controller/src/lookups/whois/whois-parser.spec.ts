import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWhois } from './whois-parser';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../test/fixtures/whois', name), 'utf8');

describe('parseWhois', () => {
  it('ARIN: takes the most specific network, its organisation and abuse contact', () => {
    expect(parseWhois(fixture('arin-8.8.8.8.txt'))).toEqual({
      netname: 'EXDNS-8-8-8',
      netrange: '8.8.8.0 - 8.8.8.255',
      organization: 'Example Public DNS LLC',
      country: 'US',
      created: '2023-12-28',
      updated: '2023-12-28',
      abuse_email: 'network-abuse@dns.example.com',
    });
  });

  it('RIPE: inetnum object, organisation name and the abuse comment', () => {
    expect(parseWhois(fixture('ripe-193.0.6.139.txt'))).toEqual({
      netname: 'EXAMPLE-NCC-NET',
      netrange: '193.0.0.0 - 193.0.23.255',
      organization: 'Example Network Coordination Centre B.V.',
      country: 'NL',
      created: '2003-03-17T12:15:57Z',
      updated: '2017-12-04T14:42:31Z',
      abuse_email: 'abuse@ncc.example.net',
    });
  });

  it('APNIC: no created date, last-modified of the network itself', () => {
    expect(parseWhois(fixture('apnic-1.1.1.1.txt'))).toEqual({
      netname: 'EXAMPLE-RESEARCH',
      netrange: '1.1.1.0 - 1.1.1.255',
      organization: 'Example Research and Development Pty Ltd',
      country: 'AU',
      updated: '2023-04-26T22:57:58Z',
      abuse_email: 'helpdesk@research.example.au',
    });
  });

  it('LACNIC: owner, compact dates and the abuse contact found by handle', () => {
    expect(parseWhois(fixture('lacnic-200.160.2.3.txt'))).toEqual({
      netrange: '200.160.0.0/20',
      organization: 'Example Nucleo de Informacao e Coordenacao',
      country: 'BR',
      created: '1998-12-22',
      updated: '2017-04-11',
      abuse_email: 'abuse@nic.example.br',
    });
  });

  it('AFRINIC: description as organisation, abuse mailbox from the IRT object', () => {
    expect(parseWhois(fixture('afrinic-196.216.2.1.txt'))).toEqual({
      netname: 'EXAMPLE-AFRICA-SVC',
      netrange: '196.216.2.0 - 196.216.3.255',
      organization: 'Example African Registry Services',
      country: 'MU',
      abuse_email: 'abuse@registry.example.mu',
    });
  });

  it('gTLD registry: registrar, dates and registrar abuse contact, not the database banner', () => {
    expect(parseWhois(fixture('verisign-example-shop.com.txt'))).toEqual({
      registrar: 'Example Registrar Services, LLC',
      created: '1995-08-14T04:00:00Z',
      updated: '2024-08-14T07:01:34Z',
      abuse_email: 'abuse@registrar.example.net',
    });
  });

  it('gTLD registrar: registrant organisation and country', () => {
    expect(parseWhois(fixture('registrar-example-shop.com.txt'))).toEqual({
      organization: 'Example Shop Holdings Inc.',
      country: 'US',
      registrar: 'Example Registrar Services, LLC',
      created: '1995-08-13T21:00:00-0700',
      updated: '2024-08-14T00:01:34-0700',
      abuse_email: 'abuse@registrar.example.net',
    });
  });

  it('Nominet-style indented blocks', () => {
    expect(parseWhois(fixture('nominet-example-bakery.co.uk.txt'))).toEqual({
      registrar: 'Example Hosting Ltd t/a Example Domains',
      created: '12-Mar-2004',
      updated: '10-Feb-2025',
    });
  });

  it('returns nothing for a "no match" answer or an empty one', () => {
    expect(parseWhois(fixture('no-match.txt'))).toEqual({});
    expect(parseWhois('')).toEqual({});
  });
});
