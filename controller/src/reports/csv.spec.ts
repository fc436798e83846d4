import { toCsv } from './csv';

describe('toCsv', () => {
  const columns = [
    { heading: 'name', value: (r: { name: string; n: number | null }) => r.name },
    { heading: 'n', value: (r: { name: string; n: number | null }) => r.n },
  ];

  it('writes a header, CRLF lines, numbers as numbers and empty cells for null', () => {
    expect(toCsv(columns, [{ name: 'a', n: 1.5 }, { name: 'b', n: null }])).toBe('name,n\r\na,1.5\r\nb,\r\n');
  });

  it('quotes commas, quotes and line breaks', () => {
    expect(toCsv(columns, [{ name: 'x, "y"\nz', n: 0 }])).toBe('name,n\r\n"x, ""y""\nz",0\r\n');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(toCsv(columns, [{ name: '=HYPERLINK("http://evil")', n: -1 }, { name: '@SUM(A1)', n: 2 }])).toBe(
      'name,n\r\n"\'=HYPERLINK(""http://evil"")",-1\r\n\'@SUM(A1),2\r\n',
    );
  });
});
