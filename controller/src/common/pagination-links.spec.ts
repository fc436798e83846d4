import { paginationLinks } from './pagination-links';

describe('paginationLinks', () => {
  it('gives next on the first page, keeping the other query parameters', () => {
    expect(paginationLinks('/workspaces/1/probe-data/find?type=PING&limit=2', { total: 5, limit: 2, offset: 0 })).toBe(
      '</workspaces/1/probe-data/find?type=PING&limit=2&offset=2>; rel="next"',
    );
  });

  it('gives prev and next in the middle and only prev on the last page', () => {
    expect(paginationLinks('/w?offset=2&limit=2&q=a%20b', { total: 5, limit: 2, offset: 2 })).toBe(
      '</w?offset=0&limit=2&q=a+b>; rel="prev", </w?offset=4&limit=2&q=a+b>; rel="next"',
    );
    expect(paginationLinks('/w?offset=4&limit=2', { total: 5, limit: 2, offset: 4 })).toBe('</w?offset=2&limit=2>; rel="prev"');
  });

  it('adds the default limit when the request left it out, and has nothing for a single page', () => {
    expect(paginationLinks('/w', { total: 60, limit: 50, offset: 0 })).toBe('</w?limit=50&offset=50>; rel="next"');
    expect(paginationLinks('/w', { total: 3, limit: 50, offset: 0 })).toBeNull();
  });

  it('points prev of a page past the end at the last page with rows', () => {
    expect(paginationLinks('/w?offset=100&limit=10', { total: 25, limit: 10, offset: 100 })).toBe('</w?offset=20&limit=10>; rel="prev"');
    expect(paginationLinks('/w?offset=100&limit=10', { total: 0, limit: 10, offset: 100 })).toBe('</w?offset=0&limit=10>; rel="prev"');
  });
});
