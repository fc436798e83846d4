import { writeFileSync } from 'node:fs';
import { OPENAPI_FILE, REPO_ROOT, renderOpenApiFile, renderResponseSchemasModule, RESPONSE_SCHEMAS_FILE } from './openapi-file';
import { generateResponseSchemas } from './response-schema-generator';

/**
 * `npm run openapi`: reads the handlers' return types from the TypeScript sources, then writes
 * them (response-schemas.generated.ts) and the committed spec (openapi.json), so reviewers see
 * every API change in the diff.
 */
async function main(): Promise<void> {
  const responses = generateResponseSchemas(REPO_ROOT);
  writeFileSync(RESPONSE_SCHEMAS_FILE, renderResponseSchemasModule(responses));
  writeFileSync(OPENAPI_FILE, await renderOpenApiFile(responses));
  process.stdout.write(`wrote ${RESPONSE_SCHEMAS_FILE} and ${OPENAPI_FILE}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`openapi generation failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
