import { readFileSync } from 'node:fs';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { OPENAPI_FILE } from '../../src/openapi/openapi-file';

/**
 * The contract test: every response the suites receive through the Http helper is checked
 * against the committed openapi.json. A status the spec does not list for the route, a body that
 * does not match its schema, or a successful answer from a route the spec does not know fails
 * the request that got it, naming the route and the schema error. Schemas are compiled once per
 * process and per (route, status, media type).
 */

interface MediaType {
  schema?: object;
}
interface ResponseSpec {
  content?: Record<string, MediaType>;
}
interface Operation {
  responses: Record<string, ResponseSpec>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
}

interface Route {
  template: string;
  pattern: RegExp;
  /** Literal segments first: `/workspaces/alerts` wins over `/workspaces/{id}`. */
  params: number;
}

const SPEC_ID = 'openapi.json';

/** Served beside the API but not operations of it: the document itself (Swagger UI is HTML). */
const NOT_OPERATIONS = new Set(['/openapi.json']);

class Contract {
  private readonly spec: Spec;
  private readonly ajv: Ajv2020;
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(specFile: string) {
    this.spec = JSON.parse(readFileSync(specFile, 'utf8')) as Spec;
    // Formats (date-time, binary) are documentation here; shapes, types and nullability are checked.
    this.ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
    this.ajv.addSchema({ $id: SPEC_ID, components: this.spec.components });
    this.routes = Object.keys(this.spec.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        params: (template.match(/\{/g) ?? []).length,
      }))
      .sort((a, b) => a.params - b.params);
  }

  /** Throws when the response breaks the contract; returns quietly otherwise. */
  check(method: string, url: string, status: number, contentType: string | null, body: unknown, rawText: string): void {
    const path = new URL(url).pathname.replace(/\/$/, '') || '/';
    if (NOT_OPERATIONS.has(path)) return;
    const route = this.routes.find((r) => r.pattern.test(path));
    const operation = route ? this.spec.paths[route.template][method.toLowerCase()] : undefined;
    const name = `${method} ${route?.template ?? path}`;
    const isJson = /^application\/json\b/.test(contentType ?? '');
    if (!operation) {
      // Routes outside the API (the panel, /docs, the socket path) and refusals of unknown ones.
      if (status < 400 && isJson) throw new Error(`contract: ${name} answered ${status} with JSON but the spec has no such operation`);
      if (status >= 400 && isJson) this.validate(name, String(status), 'ErrorBody', { $ref: `${SPEC_ID}#/components/schemas/ErrorBody` }, body);
      return;
    }
    const key = String(status) in operation.responses ? String(status) : 'default';
    const response = operation.responses[key];
    if (!response) throw new Error(`contract: ${name} answered ${status}, which the spec does not list (${Object.keys(operation.responses).join(', ')})`);
    if (rawText === '') return;
    const media = contentType?.split(';')[0].trim() ?? '';
    const documented = response.content?.[media];
    if (!documented) {
      throw new Error(`contract: ${name} answered ${status} with ${media || 'a body without content type'}, but the spec documents ${Object.keys(response.content ?? {}).join(', ') || 'no body'}`);
    }
    if (isJson && documented.schema) this.validate(name, key, media, documented.schema, body);
  }

  private validate(name: string, status: string, media: string, schema: object, body: unknown): void {
    const key = `${name} ${status} ${media}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(rebase(schema));
      this.validators.set(key, validate);
    }
    if (validate(body)) return;
    const error = validate.errors?.[0];
    const where = error?.instancePath || '(the body)';
    throw new Error(`contract: ${name} → ${status}: ${where} ${error?.message ?? 'does not match'} (schema ${error?.schemaPath ?? '?'}); body: ${JSON.stringify(body).slice(0, 500)}`);
  }
}

/** A response schema's `#/components/…` refs point into the spec document registered above. */
function rebase(schema: object): object {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, `"${SPEC_ID}#/components/`)) as object;
}

let contract: Contract | undefined;

/** The one Contract of this test process, built on first use. */
export function checkContract(method: string, url: string, status: number, contentType: string | null, body: unknown, rawText: string): void {
  contract ??= new Contract(OPENAPI_FILE);
  contract.check(method, url, status, contentType, body, rawText);
}
