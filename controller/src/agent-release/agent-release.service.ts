import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AGENT_BINARY_NAME, AGENT_PLATFORM, sha256File } from '@netwatcher/shared/node';
import { ApiError } from '../common/api-error';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { ReleaseSigner } from './release-signer';

/** The agent binary this controller serves and announces. */
export interface AgentRelease {
  version: string;
  platform: string;
  path: string;
  size: number;
  sha256: string;
  /** base64 Ed25519 signature of releaseStatement(version, sha256) by this controller's key. */
  signature: string;
}

interface Manifest {
  version: string;
  sha256: string;
}

const VERSION = /^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/;

function unavailable(message: string): ApiError {
  return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'agent_release_unavailable', message);
}

/**
 * Reads the release folder (`npm run release:agent`). The binary is hashed again whenever it
 * changes on disk and must match its manifest: a half-copied or swapped file is refused, not
 * served. Signing happens here, with the controller's key, so agents need to trust one key.
 */
@Injectable()
export class AgentReleaseService {
  private readonly dir: string;
  private cached: { key: string; release: AgentRelease } | null = null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly signer: ReleaseSigner,
  ) {
    this.dir = config.agentRelease.releaseDir;
  }

  get publicKeyPem(): string {
    return this.signer.publicKeyPem;
  }

  /** The current release; 503 with what to do when there is none (or it does not add up). */
  async current(platform = AGENT_PLATFORM): Promise<AgentRelease> {
    if (platform !== AGENT_PLATFORM) throw ApiError.notFound(`agent build for ${platform} (available: ${AGENT_PLATFORM})`);
    const path = join(this.dir, AGENT_BINARY_NAME);
    const manifestPath = join(this.dir, 'manifest.json');
    const [bin, man] = await Promise.all([stat(path).catch(() => null), stat(manifestPath).catch(() => null)]);
    if (!bin || !man) {
      throw unavailable(`no agent binary in ${this.dir}: run \`npm run release:agent\` on the controller host (or set AGENT_RELEASE_DIR)`);
    }
    const key = `${bin.ino}:${bin.size}:${bin.mtimeMs}:${man.mtimeMs}`;
    if (this.cached?.key === key) return this.cached.release;

    const manifest = await this.readManifest(manifestPath);
    const sha256 = await sha256File(path);
    if (sha256 !== manifest.sha256) {
      throw unavailable(`${path} does not match ${manifestPath} (sha256 ${sha256}, manifest ${manifest.sha256}); rebuild it with \`npm run release:agent\``);
    }
    const release: AgentRelease = {
      version: manifest.version,
      platform,
      path,
      size: bin.size,
      sha256,
      signature: this.signer.sign(manifest.version, sha256),
    };
    this.cached = { key, release };
    return release;
  }

  private async readManifest(path: string): Promise<Manifest> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw unavailable(`cannot read ${path}: ${(e as Error).message}`);
    }
    const m = parsed as Partial<Manifest> | null;
    if (!m || typeof m.version !== 'string' || !VERSION.test(m.version) || typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) {
      throw unavailable(`${path} must hold {"version": "X.Y.Z", "sha256": "<64 hex>"}`);
    }
    return { version: m.version, sha256: m.sha256 };
  }
}
