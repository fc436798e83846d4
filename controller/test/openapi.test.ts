import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  OPENAPI_FILE,
  PANEL_API_TYPES_FILE,
  REPO_ROOT,
  renderOpenApiFile,
  renderPanelApiTypes,
  renderResponseSchemasModule,
  RESPONSE_SCHEMAS_FILE,
} from '../src/openapi/openapi-file';
import { generateResponseSchemas, ResponseSchemas } from '../src/openapi/response-schema-generator';
import { checkContract } from './support/contract';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The API reference the controller must keep serving: in `shared/seeds/` beside the checkout or
 * beside a folder above it (a worktree under /work/wt), when the checkout has it around; a
 * clone elsewhere (CI may clone anywhere) has only the vendored list of its operations.
 */
function findApiReference(): string | null {
  for (let dir = dirname(REPO_ROOT); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'seeds', 'netwatcher-api-reference.md');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** The reference's operations as vendored in the repository (comments start with #). */
const VENDORED_OPERATIONS = join(__dirname, 'fixtures', 'api-reference-operations.txt');
function vendoredOperations(): string[] {
  return readFileSync(VENDORED_OPERATIONS, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

/** `GET /workspaces/{id}/agents` style lines of the reference, with parameter names dropped. */
function referencePaths(markdown: string): string[] {
  const found = [...markdown.matchAll(/^(GET|POST|PUT|PATCH|DELETE) (\/[^\s?]*)/gm)].map(([, method, path]) => `${method} ${normalise(path)}`);
  return [...new Set(found)].sort();
}

const normalise = (path: string): string => path.replace(/\{[^}]+\}/g, '{}').replace(/\/$/, '') || '/';

function specOperations(spec: { paths: Record<string, Record<string, unknown>> }): Set<string> {
  return new Set(Object.entries(spec.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${normalise(path)}`)));
}

describe('the OpenAPI spec', () => {
  let responses: ResponseSchemas;

  beforeAll(() => {
    // Reads the TypeScript sources with the compiler: the slow part (tens of seconds on 2 cores).
    responses = generateResponseSchemas(REPO_ROOT);
  }, 180_000);

  it('is what the code generates (run `npm run openapi` and commit the result)', async () => {
    expect(readFileSync(RESPONSE_SCHEMAS_FILE, 'utf8')).toBe(renderResponseSchemasModule(responses));
    const spec = await renderOpenApiFile(responses);
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(spec);
    // The panel's REST types come from the same spec: a view change reaches its type check.
    expect(readFileSync(PANEL_API_TYPES_FILE, 'utf8')).toBe(renderPanelApiTypes(spec));
  });

  it('keeps the vendored list of the API reference operations equal to the reference, where it is at hand', () => {
    const file = findApiReference();
    // The list is checked against the reference on every machine that has it (the development
    // checkouts); a clone without it relies on the list, which changes only with the reference.
    if (file !== null) expect(vendoredOperations()).toEqual(referencePaths(readFileSync(file, 'utf8')));
    expect(vendoredOperations().length).toBeGreaterThan(40);
  });

  it('documents every path of the API reference', () => {
    const reference = vendoredOperations();
    expect(reference.length).toBeGreaterThan(40);
    const documented = specOperations(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
    expect(reference.filter((op) => !documented.has(op))).toEqual([]);
  });

  it('documents a response body for every route that answers with one, and auth for every non-public route', () => {
    const spec = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));
    const problems: string[] = [];
    for (const [path, item] of Object.entries<Record<string, any>>(spec.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const [status, success] = Object.entries<any>(op.responses).find(([code]) => /^2/.test(code)) ?? [];
        if (!status) problems.push(`${method} ${path}: no success response`);
        else if (status !== '204' && !success.content) problems.push(`${method} ${path}: ${status} without a body schema`);
        if (!op.responses.default) problems.push(`${method} ${path}: no error shape`);
        if (!Array.isArray(op.security)) problems.push(`${method} ${path}: no security`);
      }
    }
    expect(problems).toEqual([]);
    expect(spec.paths['/workspaces/{id}/agents'].get.security).toEqual([{ jwt: [] }, { api_token: [] }]);
    expect(spec.paths['/agent/api/whoami'].get.security).toEqual([{ agent_workspace_id: [], agent_id: [], agent_psk: [] }]);
    expect(spec.paths['/auth/login'].post.security).toEqual([]);
  });
});

describe('the contract check every Http response goes through', () => {
  const base = 'http://127.0.0.1:1';
  const json = 'application/json; charset=utf-8';
  const check = (method: string, path: string, status: number, body: unknown, type: string | null = json) =>
    () => checkContract(method, base + path, status, type, body, body === undefined ? '' : JSON.stringify(body));

  it('names the route and the schema error of a body the spec does not describe', () => {
    expect(check('GET', '/workspaces/7/agents', 200, { data: [], total: 0, limit: 50, offset: 0 })).not.toThrow();
    expect(check('GET', '/workspaces/7/agents', 200, { data: [{ id: 'one' }], total: 0, limit: 50, offset: 0 })).toThrow(
      /^contract: GET \/workspaces\/\{id\}\/agents → 200: \/data\/0 must have required property/,
    );
    expect(check('GET', '/workspaces/7/agents', 200, { data: [], total: '0', limit: 50, offset: 0 })).toThrow(/\/total must be number/);
  });

  it('refuses undocumented answers and error bodies outside the error shape', () => {
    expect(check('GET', '/workspaces/7/agents', 404, { error: 'workspace not found', code: 'not_found', request_id: 'r' })).not.toThrow();
    expect(check('GET', '/workspaces/7/agents', 404, { message: 'Not Found', statusCode: 404 })).toThrow(/must have required property 'error'/);
    expect(check('GET', '/workspaces/alerts', 200, { data: [], total: 0, limit: 50, offset: 0 })).not.toThrow();
    expect(check('GET', '/no/such/api', 200, { ok: true })).toThrow(/has no such operation/);
    expect(check('DELETE', '/workspaces/7', 204, undefined, null)).not.toThrow();
    expect(check('GET', '/healthz', 200, 'ok', 'text/plain')).toThrow(/documents application\/json/);
  });
});

describe('/openapi.json and /docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serve the committed spec and a Swagger UI that needs nothing from the internet', async () => {
    // fetch, not Http: the document is not one of its own operations.
    const spec = await fetch(`${t.url}/openapi.json`);
    expect(spec.status).toBe(200);
    expect(await spec.json()).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
    const page = await fetch(`${t.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    // Every script and stylesheet the page loads is served here, from swagger-ui-dist.
    const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map(([, src]) => src);
    expect(assets.length).toBeGreaterThan(2);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^https?:/);
      const res = await fetch(new URL(asset, `${t.url}/docs`));
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
    }
  });
});
