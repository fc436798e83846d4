import type { OpenAPIObject } from '@nestjs/swagger';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * OpenAPI 3.1 schemas are JSON Schema 2020-12, which has no `nullable`: Nest's explorer still
 * writes the 3.0 form, so `nullable: true` becomes a `null` in `type` (or a `oneOf` with null
 * for a `$ref`/`allOf`), and a validator reads exactly what the API sends.
 */
export function toOpenApi31(document: OpenAPIObject): OpenAPIObject {
  return convert(document as unknown as Json) as unknown as OpenAPIObject;
}

function convert(node: Json): Json {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) if (key !== 'nullable') out[key] = convert(value);
  if (node.nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return out;
  }
  if (Array.isArray(out.type)) {
    if (!out.type.includes('null')) out.type = [...out.type, 'null'];
    return out;
  }
  const { description, ...schema } = out;
  return { ...(description !== undefined ? { description } : {}), oneOf: [schema, { type: 'null' }] };
}
