import { routeTemplate } from './http.metrics';

describe('routeTemplate', () => {
  it('labels a request by the template it matched, never by its ids', () => {
    expect(routeTemplate({ baseUrl: '', route: { path: '/workspaces/:id/agents/:agentID' } })).toBe('/workspaces/:id/agents/:agentID');
    expect(routeTemplate({ baseUrl: '/api', route: { path: '/x/:id' } })).toBe('/api/x/:id');
    expect(routeTemplate({ baseUrl: '' })).toBe('unmatched');
  });
});
