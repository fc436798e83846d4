import { formatMac, formatPrefix, isLocallyAdministered, normalizeMac } from './mac-address';
import { OuiIndex } from './oui-index';

describe('normalizeMac', () => {
  it.each([
    '00:1C:42:AB:CD:EF',
    '00-1C-42-AB-CD-EF',
    '001C42ABCDEF',
    '00:1c:42:ab:cd:ef',
    '001c42abcdef',
    '001c.42ab.cdef',
    ' 00-1c-42-ab-cd-ef ',
  ])('reads %p', (input) => {
    expect(normalizeMac(input)).toBe('001C42ABCDEF');
  });

  it.each([
    '',
    '00:1C:42:AB:CD',
    '00:1C:42-AB:CD:EF',
    '00:1C:42:AB:CD:EG',
    '001C42ABCDEF00',
    '0:1C:42:AB:CD:EF',
    'zz',
    '00:1C:42:AB:CD:EF; ls',
  ])('refuses %p', (input) => {
    expect(normalizeMac(input)).toBeNull();
  });

  it('formats MACs and IEEE prefixes', () => {
    expect(formatMac('001C42ABCDEF')).toBe('00:1C:42:AB:CD:EF');
    expect(formatPrefix('001C42')).toBe('00-1C-42');
    expect(formatPrefix('70B3D51')).toBe('70-B3-D5-1');
    expect(formatPrefix('001BC5000')).toBe('00-1B-C5-00-0');
  });

  it('spots locally administered (randomised) MACs', () => {
    expect(isLocallyAdministered('021C42ABCDEF')).toBe(true);
    expect(isLocallyAdministered('DA1C42ABCDEF')).toBe(true);
    expect(isLocallyAdministered('001C42ABCDEF')).toBe(false);
  });
});

describe('OuiIndex', () => {
  const index = OuiIndex.fromRecords({
    '001BC5': 'IEEE Registration Authority\n445 Hoes Lane',
    '001BC5000': 'Converging Systems Inc.\n32420 Nautilus Drive',
    '70B3D5': 'IEEE Registration Authority',
    '70B3D51': 'Some MA-M Holder\nStreet',
    '001C42': 'Parallels, Inc.\n660 SW 39h Street',
    bogus: 'ignored',
    '00112': 'wrong length, ignored',
  });

  it('prefers the longest prefix', () => {
    expect(index.lookup('001BC5000123')).toEqual({
      prefix: '001BC5000',
      registry: 'MA-S',
      vendor: 'Converging Systems Inc.',
    });
    expect(index.lookup('001BC5999123')?.vendor).toBe('IEEE Registration Authority');
    expect(index.lookup('70B3D51ABCDE')).toEqual({ prefix: '70B3D51', registry: 'MA-M', vendor: 'Some MA-M Holder' });
    expect(index.lookup('001C42ABCDEF')).toEqual({ prefix: '001C42', registry: 'MA-L', vendor: 'Parallels, Inc.' });
    expect(index.lookup('ABCDEF000000')).toBeUndefined();
    expect(index.size).toBe(5);
  });

  it('refuses data that is not an object of prefixes', () => {
    expect(() => OuiIndex.fromRecords(['001C42'])).toThrow(/not an object/);
  });
});
