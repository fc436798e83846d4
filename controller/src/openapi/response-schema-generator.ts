import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

/** A JSON Schema (2020-12, as OpenAPI 3.1 takes it). */
export type JsonSchema = { [key: string]: unknown };

export interface OperationDoc {
  /** The schema of what the handler resolves to (absent: nothing, or not JSON). */
  response?: JsonSchema;
  /** The handler's doc comment. */
  description?: string;
}

export interface ResponseSchemas {
  /** By `Controller_method`, as Nest's swagger explorer names operations. */
  operations: Record<string, OperationDoc>;
  /** Named types the operations refer to, by `#/components/schemas/<name>`. */
  components: Record<string, JsonSchema>;
}

const HTTP_DECORATORS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete']);

function controllerFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return controllerFiles(path);
    return entry.name.endsWith('.controller.ts') ? [path] : [];
  });
}

function decoratorName(decorator: ts.Decorator): string | undefined {
  const call = decorator.expression;
  return ts.isCallExpression(call) && ts.isIdentifier(call.expression) ? call.expression.text : undefined;
}

/**
 * Reads what every route handler returns, from the TypeScript types themselves: the views stay
 * plain interfaces (built as object literals, so the compiler already keeps them honest) and the
 * OpenAPI document cannot drift from them. Run by `npm run openapi`; the result is committed as
 * response-schemas.generated.ts and checked for staleness by a test.
 */
export function generateResponseSchemas(repoRoot: string): ResponseSchemas {
  const configPath = resolve(repoRoot, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, (p) => ts.sys.readFile(p)).config, ts.sys, repoRoot);
  const roots = controllerFiles(resolve(repoRoot, 'controller/src')).sort();
  const program = ts.createProgram(roots, { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const converter = new SchemaConverter(checker);
  const operations: Record<string, OperationDoc> = {};
  for (const file of roots) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    for (const statement of source.statements) {
      if (!ts.isClassDeclaration(statement) || !statement.name) continue;
      for (const member of statement.members) {
        if (!ts.isMethodDeclaration(member) || !ts.isIdentifier(member.name)) continue;
        const decorators = ts.getDecorators(member) ?? [];
        if (!decorators.some((d) => HTTP_DECORATORS.has(decoratorName(d) ?? ''))) continue;
        const signature = checker.getSignatureFromDeclaration(member);
        if (!signature) continue;
        const returned = converter.unwrapPromise(checker.getReturnTypeOfSignature(signature));
        const response = converter.toSchema(returned);
        const symbol = checker.getSymbolAtLocation(member.name);
        const description = symbol ? ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() : '';
        operations[`${statement.name.text}_${member.name.text}`] = { ...(response ? { response } : {}), ...(description ? { description } : {}) };
      }
    }
  }
  return { operations: sortKeys(operations), components: sortKeys(converter.components) };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** Types that are no JSON body: handlers returning them write their own response. */
const NOT_JSON = new Set(['StreamableFile', 'Buffer', 'Readable']);

class SchemaConverter {
  readonly components: Record<string, JsonSchema> = {};
  /** Which declaration each component name stands for, so two types never share a name. */
  private readonly owners = new Map<string, ts.Declaration | undefined>();

  constructor(private readonly checker: ts.TypeChecker) {}

  unwrapPromise(type: ts.Type): ts.Type {
    const symbol = type.getSymbol();
    if (symbol?.getName() === 'Promise') {
      const [inner] = this.checker.getTypeArguments(type as ts.TypeReference);
      if (inner) return inner;
    }
    return type;
  }

  /** undefined: nothing JSON comes back (void, a stream, a file). */
  toSchema(type: ts.Type): JsonSchema | undefined {
    if (type.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Never)) return undefined;
    const notJson = (t: ts.Type): boolean => NOT_JSON.has(t.getSymbol()?.getName() ?? '');
    if (notJson(type)) return undefined;
    const isText = (t: ts.Type): boolean => (t.flags & ts.TypeFlags.StringLike) !== 0;
    if (type.isUnion() && (type.types.some(notJson) || (type.types.some(isText) && !type.types.every(isText)))) {
      // A handler that answers JSON or a file or text (a report as JSON, CSV or PDF): Nest sends
      // a returned string as text, never JSON, so only the object part is described here; the
      // other formats by the route's own @ApiOkResponse.
      const json = type.types.filter((t) => !notJson(t) && !isText(t));
      if (json.length === 0) return undefined;
      return json.length === 1 ? this.convert(json[0]) : { anyOf: json.map((t) => this.convert(t)) };
    }
    return this.convert(type);
  }

  private convert(type: ts.Type): JsonSchema {
    const flags = type.flags;
    if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
    if (flags & ts.TypeFlags.Null) return { type: 'null' };
    if (type.isStringLiteral()) return { type: 'string', const: type.value };
    if (type.isNumberLiteral()) return { type: 'number', const: type.value };
    if (flags & ts.TypeFlags.BooleanLiteral) return { type: 'boolean', const: (type as unknown as { intrinsicName: string }).intrinsicName === 'true' };
    if (flags & ts.TypeFlags.StringLike) return { type: 'string' };
    if (flags & ts.TypeFlags.NumberLike) return { type: 'number' };
    if (flags & ts.TypeFlags.BooleanLike) return { type: 'boolean' };
    if (type.isUnion()) return this.union(type);
    if (this.checker.isArrayType(type) || this.checker.isTupleType(type)) {
      const [item] = this.checker.getTypeArguments(type as ts.TypeReference);
      return { type: 'array', items: item ? this.convert(item) : {} };
    }
    if (type.getSymbol()?.getName() === 'Date') return { type: 'string', format: 'date-time' };
    if (flags & ts.TypeFlags.Object || type.isIntersection()) return this.named(type) ?? this.object(type);
    return {};
  }

  private union(type: ts.UnionType): JsonSchema {
    const members = type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined));
    // `boolean` is the union true | false.
    const booleans = members.filter((t) => t.flags & ts.TypeFlags.BooleanLiteral);
    const rest = members.filter((t) => !(t.flags & ts.TypeFlags.BooleanLiteral));
    const parts = [...(booleans.length === 2 ? [{ type: 'boolean' }] : booleans.map((t) => this.convert(t))), ...rest.map((t) => this.convert(t))];
    if (parts.length === 1) return parts[0];
    // Literals (and null) of one kind read best as an enum.
    if (parts.every((p) => 'const' in p || p.type === 'null')) {
      const kinds = [...new Set(parts.map((p) => p.type as string))];
      return { type: kinds.length === 1 ? kinds[0] : kinds, enum: parts.map((p) => ('const' in p ? p.const : null)) };
    }
    const nullable = parts.some((p) => p.type === 'null');
    const others = parts.filter((p) => p.type !== 'null');
    if (nullable && others.length === 1 && typeof others[0].type === 'string' && !('const' in others[0])) {
      return { ...others[0], type: [others[0].type, 'null'] };
    }
    return { anyOf: parts };
  }

  /** A named interface, class or alias (not generic) becomes a component, referred to by name. */
  private named(type: ts.Type): JsonSchema | undefined {
    const symbol = type.aliasSymbol ?? type.getSymbol();
    const name = symbol?.getName();
    if (!symbol || !name || name.startsWith('__') || (type.aliasTypeArguments?.length ?? 0) > 0) return undefined;
    if ((type as ts.TypeReference).typeArguments?.length) return undefined;
    if (!(symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class | ts.SymbolFlags.TypeAlias))) return undefined;
    const declaration = symbol.declarations?.[0];
    let key = name;
    for (let n = 2; this.owners.has(key) && this.owners.get(key) !== declaration; n++) key = `${name}${n}`;
    if (!this.owners.has(key)) {
      this.owners.set(key, declaration);
      this.components[key] = {};
      this.components[key] = this.object(type);
    }
    return { $ref: `#/components/schemas/${key}` };
  }

  private object(type: ts.Type): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const property of this.checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      const propertyType = declaration ? this.checker.getTypeOfSymbolAtLocation(property, declaration) : this.checker.getTypeOfSymbol(property);
      if (propertyType.getCallSignatures().length > 0) continue;
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0 || (propertyType.isUnion() && propertyType.types.some((t) => t.flags & ts.TypeFlags.Undefined));
      const schema = this.convert(propertyType);
      const doc = ts.displayPartsToString(property.getDocumentationComment(this.checker)).trim();
      properties[property.getName()] = doc && !('$ref' in schema) ? { ...schema, description: doc } : schema;
      if (!optional) required.push(property.getName());
    }
    const schema: JsonSchema = { type: 'object', properties };
    if (required.length > 0) schema.required = required;
    const index = this.checker.getIndexInfoOfType(type, ts.IndexKind.String);
    if (index) schema.additionalProperties = this.convert(index.type);
    return schema;
  }
}
