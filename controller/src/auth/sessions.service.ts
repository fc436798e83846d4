import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { RevokedSessionEntity } from './revoked-session.entity';
import type { UserEntity } from './user.entity';

/** What a session JWT carries. `jti` names the session (logout), `ep` the user's session epoch. */
export interface JwtClaims {
  sub: number;
  email: string;
  jti: string;
  ep: number;
}

/** Issues session JWTs and ends them: one (logout) or all of a user's (password change). */
@Injectable()
export class SessionsService {
  constructor(
    private readonly jwt: JwtService,
    @InjectRepository(RevokedSessionEntity) private readonly revoked: Repository<RevokedSessionEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  sign(user: Pick<UserEntity, 'id' | 'email' | 'sessionEpoch'>): string {
    const claims: Omit<JwtClaims, 'jti'> = { sub: user.id, email: user.email, ep: user.sessionEpoch };
    return this.jwt.sign(claims, { expiresIn: this.config.jwtTtlSeconds, jwtid: randomUUID() });
  }

  /** Kept no longer than the token could live; expired rows are swept on the way. */
  async revoke(userId: number, jti: string): Promise<void> {
    const expiresAt = new Date(Date.now() + this.config.jwtTtlSeconds * 1000);
    await this.revoked.upsert({ jti, userId, expiresAt }, ['jti']);
    await this.revoked.delete({ expiresAt: LessThan(new Date()) });
  }
}
