/** The page a list response covers, as its envelope says. */
export interface PageWindow {
  total: number;
  limit: number;
  offset: number;
}

/**
 * RFC 8288 `Link` value with `prev`/`next` for a page of a list, as root-relative URLs that keep
 * every other query parameter of the request (filters, ranges, sort). Null when there is neither.
 */
export function paginationLinks(originalUrl: string, page: PageWindow): string | null {
  const url = new URL(originalUrl, 'http://placeholder');
  const link = (offset: number, rel: string): string => {
    const params = new URLSearchParams(url.search);
    params.set('limit', String(page.limit));
    params.set('offset', String(offset));
    return `<${url.pathname}?${params.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page.limit > 0 && page.offset > 0) {
    // A page past the end steps back to the last page that has rows.
    const lastStart = Math.max(0, Math.ceil(page.total / page.limit) * page.limit - page.limit);
    links.push(link(Math.min(Math.max(0, page.offset - page.limit), lastStart), 'prev'));
  }
  if (page.limit > 0 && page.offset + page.limit < page.total) links.push(link(page.offset + page.limit, 'next'));
  return links.length ? links.join(', ') : null;
}
