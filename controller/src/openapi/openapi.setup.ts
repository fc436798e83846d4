import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { buildOpenApiDocument } from './openapi.document';

/**
 * `GET /openapi.json` and Swagger UI at `/docs`, both public (they describe the API, not its
 * data). The UI's files come from the swagger-ui-dist package, so it works without the internet.
 * The document is built on the first request, not at start-up.
 */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
    customSiteTitle: 'NetWatcher API',
    swaggerOptions: { persistAuthorization: false, displayOperationId: false },
  });
}
