import { Inject, Injectable, Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { loadOrCreateSigningKey, readSigningKey, releaseStatement, signRelease, type SigningKey } from '@netwatcher/shared/node';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';

/**
 * The controller's release signing key: the operator's (AGENT_SIGNING_KEY_FILE), or one generated
 * at first start in DATA_DIR with mode 0600. Agents pin its public key at install, so losing the
 * file means re-installing agents (or supplying the old key): back it up with DATA_DIR.
 */
@Injectable()
export class ReleaseSigner {
  private readonly key: SigningKey;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { signingKeyFile, signingKeySupplied } = config.agentRelease;
    const created = !signingKeySupplied && !existsSync(signingKeyFile);
    this.key = signingKeySupplied ? readSigningKey(signingKeyFile) : loadOrCreateSigningKey(signingKeyFile);
    if (created) new Logger('AgentRelease').log(`generated the agent release signing key in ${signingKeyFile} (mode 0600); keep it with the data directory`);
  }

  get publicKeyPem(): string {
    return this.key.publicKeyPem;
  }

  sign(version: string, sha256: string): string {
    return signRelease(this.key.privateKey, releaseStatement(version, sha256));
  }
}
