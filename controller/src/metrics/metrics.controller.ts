import { Controller, Get, Headers, HttpStatus, Inject, NotFoundException, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';
import { ApiError } from '../common/api-error';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { metricsAccess } from './metrics-access';
import { MetricsRegistry } from './metrics-registry';

/** `/metrics` on the API port, for Prometheus: behind METRICS_TOKEN, or absent (see metricsAccess). */
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Prometheus metrics of this controller process. 404 unless METRICS_TOKEN is set (and
   * METRICS_PORT is not); the token goes in `Authorization: Bearer`.
   */
  @Get()
  @ApiProduces('text/plain')
  @ApiBearerAuth('metrics_token')
  @ApiOkResponse({ description: 'The Prometheus text exposition format, version 0.0.4.', content: { 'text/plain': { schema: { type: 'string' } } } })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: Response): Promise<void> {
    switch (metricsAccess(this.config.metrics, 'api', authorization)) {
      case 'not_found':
        // The same answer as for a route that does not exist: nothing to discover here.
        throw new NotFoundException('Cannot GET /metrics');
      case 'unauthorized':
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthorized', 'a valid metrics token is required (Authorization: Bearer <METRICS_TOKEN>)');
      case 'serve':
        // end(), not send(): send() would rewrite the exposition format's content type.
        res.setHeader('content-type', this.metrics.contentType);
        res.end(await this.metrics.render());
        return;
    }
  }
}
