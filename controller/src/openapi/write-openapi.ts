import { writeFileSync } from 'node:fs';
import {
  OPENAPI_FILE,
  PANEL_API_TYPES_FILE,
  REPO_ROOT,
  renderOpenApiFile,
  renderPanelApiTypes,
  renderResponseSchemasModule,
  RESPONSE_SCHEMAS_FILE,
} from './openapi-file';
import { generateResponseSchemas } from './response-schema-generator';

/**
 * `npm run openapi`: reads the handlers' return types from the TypeScript sources, then writes
 * them (response-schemas.generated.ts), the committed spec (openapi.json) and the panel's types
 * derived from it (controller/web/src/api/openapi.generated.ts), so reviewers see every API
 * change in the diff and the panel's type check sees it too.
 */
async function main(): Promise<void> {
  const responses = generateResponseSchemas(REPO_ROOT);
  writeFileSync(RESPONSE_SCHEMAS_FILE, renderResponseSchemasModule(responses));
  const spec = await renderOpenApiFile(responses);
  writeFileSync(OPENAPI_FILE, spec);
  writeFileSync(PANEL_API_TYPES_FILE, renderPanelApiTypes(spec));
  process.stdout.write(`wrote ${RESPONSE_SCHEMAS_FILE}, ${OPENAPI_FILE} and ${PANEL_API_TYPES_FILE}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`openapi generation failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
