import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ParameterObject, ReferenceObject, ResponsesObject, SchemaObject } from '@nestjs/swagger';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { ErrorBody } from '../common/http-exception.filter';
import { CONTROLLER_VERSION } from '../config/version';
import { RESPONSE_SCHEMAS } from './response-schemas.generated';
import type { OperationDoc, ResponseSchemas } from './response-schema-generator';
import { collectRouteFacts, RouteFacts } from './route-facts';
import { toOpenApi31 } from './openapi-31';

export const SECURITY = {
  jwt: 'jwt',
  apiToken: 'api_token',
  agentPsk: 'agent_psk',
  agentId: 'agent_id',
  workspaceId: 'agent_workspace_id',
  metricsToken: 'metrics_token',
} as const;

const ERROR_REF = '#/components/schemas/ErrorBody';
const REF_PREFIX = '#/components/schemas/';

/** Path parameters that are not whole numbers; every other `{name}` is an id. */
const STRING_PARAMS = new Set(['ip', 'mac', 'version', 'file']);

function builder(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('NetWatcher controller API')
    .setDescription(
      'REST API of the NetWatcher controller. Lists are `{data, total, limit, offset}` with `X-Total-Count` and RFC 8288 `Link` headers; ' +
        'every error is `{error, code, request_id}`. Users authenticate with a session JWT (`POST /auth/login`) or an API token, both as ' +
        '`Authorization: Bearer …`; agents with the `X-Workspace-ID`, `X-Agent-ID` and `X-Agent-PSK` headers together.',
    )
    .setVersion(CONTROLLER_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A session token from POST /auth/login or /auth/register.' }, SECURITY.jwt)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token, limited to its scopes (and workspaces, when it names some).' }, SECURITY.apiToken)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Agent-PSK', description: 'The agent PSK from enrollment (POST /agent).' }, SECURITY.agentPsk)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Agent-ID', description: 'The agent id the PSK was issued to.' }, SECURITY.agentId)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Workspace-ID', description: "The agent's workspace id." }, SECURITY.workspaceId)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, for GET /metrics.' }, SECURITY.metricsToken)
    .build();
}

/**
 * The OpenAPI 3.1 document of the running app, from the code: routes and response classes from
 * Nest's swagger explorer, request bodies and query parameters from the DTOs' class-validator
 * decorators (what the ValidationPipe enforces), auth and error answers from the guards'
 * metadata. Deterministic, so the committed openapi.json can be compared with a fresh one.
 */
export function buildOpenApiDocument(app: INestApplication, responses: ResponseSchemas = RESPONSE_SCHEMAS): OpenAPIObject {
  const document = SwaggerModule.createDocument(app, builder(), {
    operationIdFactory: (controller, method) => `${controller}_${method}`,
    extraModels: [ErrorBody],
  });
  const dtoSchemas = plainBuiltins(validationMetadatasToSchemas({ refPointerPrefix: REF_PREFIX }) as Record<string, SchemaObject>);
  const facts = collectRouteFacts(app);
  const schemas = (document.components ??= {}).schemas ?? {};
  document.components.schemas = schemas;
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const route = facts.get(operation.operationId ?? '');
      if (!route) throw new Error(`no route facts for ${method.toUpperCase()} ${path} (${operation.operationId})`);
      describeOperation(path, operation, route, dtoSchemas);
      describeSuccess(operation, route, responses.operations[operation.operationId ?? ''] ?? {});
    }
  }
  includeDtoSchemas(document, dtoSchemas);
  for (const [name, schema] of Object.entries(responses.components)) {
    if (name in schemas) throw new Error(`response type ${name} has the name of a request DTO; rename one of them`);
    schemas[name] = schema as SchemaObject;
  }
  return toOpenApi31(document);
}

function describeOperation(path: string, operation: OperationObject, route: RouteFacts, dtoSchemas: Record<string, SchemaObject>): void {
  operation.parameters = [...pathParameters(path, operation.parameters ?? []), ...queryParameters(route, dtoSchemas, operation.parameters ?? [])];
  // A route that names its own scheme with a decorator (GET /metrics) keeps it.
  if (!operation.security?.length) operation.security = securityOf(route.auth);
  operation.responses = { ...errorResponses(path, route, operation), ...operation.responses };
}

function securityOf(auth: RouteFacts['auth']): Array<Record<string, string[]>> {
  if (auth === 'user') return [{ [SECURITY.jwt]: [] }, { [SECURITY.apiToken]: [] }];
  if (auth === 'session') return [{ [SECURITY.jwt]: [] }];
  // The three agent headers go together: one requirement naming all of them.
  if (auth === 'agent') return [{ [SECURITY.workspaceId]: [], [SECURITY.agentId]: [], [SECURITY.agentPsk]: [] }];
  return [];
}

/**
 * The success answer's body: what the handler's TypeScript return type says (generated into
 * response-schemas.generated.ts), unless a decorator on the route already described it.
 */
function describeSuccess(operation: OperationObject, route: RouteFacts, doc: OperationDoc): void {
  if (doc.description && !operation.description) operation.description = doc.description;
  if (!operation.summary) operation.summary = doc.description?.split(/(?<=\.)\s|\n/)[0] ?? fallbackSummary(operation.operationId ?? '');
  const [status] = Object.keys(operation.responses).filter((code) => /^2\d\d$/.test(code));
  const success = status ? (operation.responses[status] as { description?: string; content?: Record<string, unknown> }) : undefined;
  if (!success) return;
  if (!success.description) success.description = SUCCESS[status] ?? 'Success';
  if (!doc.response) return;
  const media = route.contentType ?? 'application/json';
  // A route may describe other formats itself (CSV, PDF); its JSON answer still comes from its type.
  if (!success.content?.[media]) success.content = { [media]: { schema: doc.response }, ...success.content };
}

/** `WorkspacesController_transferOwnership` → `Workspaces: transfer ownership`, for handlers without a doc comment. */
function fallbackSummary(operationId: string): string {
  const [controller, method = ''] = operationId.split('_');
  const words = method.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `${controller.replace(/Controller$/, '').replace(/([a-z])([A-Z])/g, '$1 $2')}: ${words}`;
}

const SUCCESS: Record<string, string> = { '200': 'OK', '201': 'Created', '204': 'Done; no body' };

/** Every `{name}` of the path, declared: custom parameter decorators (InWorkspace, InAgent) declare none. */
function pathParameters(path: string, declared: Array<ParameterObject | ReferenceObject>): ParameterObject[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => {
    const given = declared.find((p): p is ParameterObject => 'in' in p && p.in === 'path' && p.name === name);
    return {
      name,
      in: 'path',
      required: true,
      schema: STRING_PARAMS.has(name) ? { type: 'string' } : { type: 'integer', minimum: 1 },
      ...(given?.description ? { description: given.description } : {}),
    };
  });
}

function queryParameters(route: RouteFacts, dtoSchemas: Record<string, SchemaObject>, declared: Array<ParameterObject | ReferenceObject>): ParameterObject[] {
  const given = declared.filter((p): p is ParameterObject => 'in' in p && p.in === 'query');
  const dto = route.queryDto ? dtoSchemas[route.queryDto.name] : undefined;
  if (!dto?.properties) return given;
  const required = new Set(dto.required ?? []);
  return Object.entries(dto.properties).map(([name, schema]) => ({ name, in: 'query', required: required.has(name), schema }));
}

function errorResponses(path: string, route: RouteFacts, operation: OperationObject): ResponsesObject {
  const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: ERROR_REF } } } });
  const responses: ResponsesObject = {};
  if (route.hasBody || route.queryDto || path.includes('{')) responses['400'] = error('The input is invalid (`code`: `validation_failed`, `bad_request`, …); nothing was changed.');
  if (route.auth !== 'none') responses['401'] = error('No valid credentials.');
  if (route.mayForbid) responses['403'] = error('Authenticated, but the role or the token scope is too low (`code`: `role_too_low`, `forbidden`).');
  if (path.includes('{')) responses['404'] = error('Not found, or not visible to the caller (an outsider gets 404, never 403).');
  if (operation.responses?.default === undefined) responses.default = error('Any other error, in the same shape (409 conflict, 410 gone, 413, 429 rate limited with Retry-After, 500 with a request id to report).');
  return responses;
}

/** For a `Record`/`unknown[]` field the DTO schemas point at the class `Object`/`Array`; say what they mean. */
const BUILTIN_TYPES: Record<string, SchemaObject> = { Object: { type: 'object' }, Array: { type: 'array' }, String: { type: 'string' }, Number: { type: 'number' }, Boolean: { type: 'boolean' } };

function plainBuiltins(schemas: Record<string, SchemaObject>): Record<string, SchemaObject> {
  const text = JSON.stringify(schemas).replace(/\{"\$ref":"#\/components\/schemas\/(Object|Array|String|Number|Boolean)"\}/g, (_, name: string) => JSON.stringify(BUILTIN_TYPES[name]));
  return JSON.parse(text) as Record<string, SchemaObject>;
}

/**
 * The explorer names DTO classes without knowing their fields (no @ApiProperty on them); the
 * class-validator schemas fill them in, with every DTO they refer to.
 */
function includeDtoSchemas(document: OpenAPIObject, dtoSchemas: Record<string, SchemaObject>): void {
  const schemas = document.components?.schemas ?? {};
  const pending = Object.keys(schemas).filter((name) => name in dtoSchemas);
  while (pending.length > 0) {
    const name = pending.pop() as string;
    schemas[name] = dtoSchemas[name];
    for (const [, ref] of JSON.stringify(dtoSchemas[name]).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (!(ref in schemas) || !(schemas[ref] as SchemaObject).properties) {
        if (ref in dtoSchemas && schemas[ref] !== dtoSchemas[ref]) {
          schemas[ref] = dtoSchemas[ref];
          pending.push(ref);
        }
      }
    }
  }
}
