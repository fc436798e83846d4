import { Controller, Get, Header, Inject, Param, Req, Res, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createReadStream } from 'node:fs';
import { AGENT_BINARY_NAME, releaseStatement } from '@netwatcher/shared/node';
import { AgentPskGuard } from '../agents/agent-psk.guard';
import type { AgentEntity } from '../agents/agent.entity';
import { CurrentAgent } from '../agents/current-agent.decorator';
import { Public } from '../auth/public.decorator';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { AgentReleaseService } from './agent-release.service';
import { AgentUpdatePolicyService, type AgentUpdateAnnouncement } from './agent-update-policy.service';
import { controllerBaseUrl } from '../agents/controller-url';
import { renderInstallScript } from './install-script';

const TEXT = 'text/plain; charset=utf-8';

/**
 * Everything a host needs to install and update the agent, without a login: the installer, the
 * binary with its checksum and signature, and the public key. None of it is secret; the PIN in
 * the install command is what authorises a host.
 */
@Public()
@Controller()
export class AgentReleaseController {
  constructor(
    private readonly releases: AgentReleaseService,
    private readonly policies: AgentUpdatePolicyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('install.sh')
  @Header('Content-Type', 'text/x-shellscript; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  installScript(@Req() req: Request): string {
    return renderInstallScript(controllerBaseUrl(req, this.config.agentRelease.publicUrl), this.releases.publicKeyPem);
  }

  @Get('agent/signing-key.pem')
  @Header('Content-Type', TEXT)
  signingKey(): string {
    return this.releases.publicKeyPem;
  }

  /** The binary; the headers carry what the installer and the agent check before running it. */
  @Get('agent/download/:platform')
  @ApiProduces('application/octet-stream', 'text/plain')
  @ApiOkResponse({
    description: 'The binary (`linux-x64`), or with `.sha256`, `.sig` or `.statement` appended to the platform its checksum, signature or signed statement as text.',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } }, 'text/plain': { schema: { type: 'string' } } },
  })
  async download(@Param('platform') platform: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile | string> {
    const sidecar = /^(.+)\.(sha256|sig|statement)$/.exec(platform);
    const release = await this.releases.current(sidecar ? sidecar[1] : platform);
    if (sidecar) {
      res.type(TEXT);
      if (sidecar[2] === 'sha256') return `${release.sha256}  ${AGENT_BINARY_NAME}\n`;
      if (sidecar[2] === 'sig') return `${release.signature}\n`;
      return releaseStatement(release.version, release.sha256);
    }
    res.set({
      'X-Checksum-Sha256': release.sha256,
      'X-Agent-Version': release.version,
      'X-Signature-Ed25519': release.signature,
    });
    // A rebuild racing this download gives a body that fails the client's checksum: refused, never run.
    return new StreamableFile(createReadStream(release.path), {
      type: 'application/octet-stream',
      length: release.size,
      disposition: `attachment; filename="${AGENT_BINARY_NAME}"`,
    });
  }

  /** What this agent should run: the announcement its update loop polls (PSK headers). */
  @Get('agent/api/update')
  @UseGuards(AgentPskGuard)
  update(@CurrentAgent() agent: AgentEntity): Promise<AgentUpdateAnnouncement> {
    return this.policies.announcementFor(agent);
  }
}
