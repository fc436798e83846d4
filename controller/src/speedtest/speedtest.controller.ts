import { Controller, Get, HttpCode, Post, Query, Req, Res, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AgentPskGuard } from '../agents/agent-psk.guard';
import type { AgentEntity } from '../agents/agent.entity';
import { CurrentAgent } from '../agents/current-agent.decorator';
import { Public } from '../auth/public.decorator';
import { SpeedtestDownloadQuery } from './dto/speedtest-download-query.dto';
import { SpeedtestRateLimit } from './speedtest-rate-limit';
import { SpeedtestService } from './speedtest.service';
import type { SpeedtestUploadView } from './speedtest.view';

/**
 * The speed-test endpoints of SPEEDTEST probes: PSK headers like the rest of /agent/api, so the
 * controller is no open bandwidth sink. Guards run class first, decorators apply bottom-up: the
 * PSK guard (lower) runs before the rate limit, so the bucket is the agent's.
 */
@Public()
@SpeedtestRateLimit()
@UseGuards(AgentPskGuard)
@Controller('agent/api/speedtest')
export class SpeedtestController {
  constructor(private readonly speedtest: SpeedtestService) {}

  /** `bytes` bytes of random data, generated while sent. */
  @Get('download')
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'Exactly `bytes` bytes of random data.', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } })
  download(@CurrentAgent() agent: AgentEntity, @Query() query: SpeedtestDownloadQuery, @Res({ passthrough: true }) res: Response): StreamableFile {
    this.speedtest.requireSize(query.bytes);
    const release = this.speedtest.acquire(agent.id);
    const body = this.speedtest.download(query.bytes);
    // Nest pipes the body into the response, and a pipe does not end its source when the client
    // goes away: without this the generator and the agent's stream slot would stay forever.
    res.once('close', () => {
      body.destroy();
      release();
    });
    res.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(body, { type: 'application/octet-stream', length: query.bytes });
  }

  /** Reads the body (application/octet-stream, at most SPEEDTEST_MAX_BYTES), counts and discards it. */
  @Post('upload')
  @HttpCode(200)
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  async upload(@CurrentAgent() agent: AgentEntity, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SpeedtestUploadView> {
    let release: (() => void) | undefined;
    try {
      this.speedtest.requireDeclaredSize(req);
      release = this.speedtest.acquire(agent.id);
      return await this.speedtest.upload(req);
    } catch (e) {
      // The rest of a refused body is never read: the connection cannot carry another request.
      if (!req.complete) res.setHeader('Connection', 'close');
      throw e;
    } finally {
      release?.();
    }
  }
}
