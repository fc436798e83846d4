import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error';
import type { Caller } from './caller';
import { ALL_SCOPES } from './scopes';
import type { JwtClaims } from './sessions.service';
import { ApiTokenVerifier } from './tokens/api-token.verifier';
import { claimsToBeToken } from './tokens/token-secret';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface SessionRow {
  id: number;
  email: string;
  session_epoch: number;
  revoked: boolean;
}

function refused(): ApiError {
  return ApiError.unauthorized('missing or invalid token');
}

/**
 * The one place a bearer credential becomes a Caller, for HTTP (AuthGuard) and for the panel
 * socket alike, so both accept and refuse exactly the same credentials.
 */
@Injectable()
export class AuthenticateService {
  constructor(
    private readonly jwt: JwtService,
    @InjectDataSource() private readonly db: DataSource,
    private readonly tokens: ApiTokenVerifier,
  ) {}

  /**
   * A session JWT or an API token (`nwt_…`). Throws 401 `ApiError` for a missing, forged,
   * expired, revoked or orphaned credential.
   */
  async authenticate(credential: string | undefined): Promise<Caller> {
    if (!credential) throw refused();
    if (claimsToBeToken(credential)) {
      const caller = await this.tokens.verify(credential);
      if (!caller) throw refused();
      return caller;
    }
    return this.fromJwt(credential);
  }

  private async fromJwt(token: string): Promise<Caller> {
    let claims: Partial<JwtClaims>;
    try {
      claims = this.jwt.verify<JwtClaims>(token, { algorithms: ['HS256'] });
    } catch {
      throw refused();
    }
    const { sub, jti, ep } = claims;
    // Every session names itself (jti) so it can be revoked; a token without one is not ours.
    if (!Number.isSafeInteger(sub) || (sub as number) < 1 || typeof jti !== 'string' || !UUID.test(jti))
      throw refused();
    // One query per request answers all three: does the user exist (a deleted user's token dies
    // at once), is the session epoch current (password change), is this session revoked
    // (logout). It replaces the user lookup every request made before, so nothing is cached.
    const rows: SessionRow[] = await this.db.query(
      `SELECT u.id, u.email, u.session_epoch,
              EXISTS (SELECT 1 FROM revoked_sessions r WHERE r.jti = $2) AS revoked
         FROM users u WHERE u.id = $1`,
      [sub, jti],
    );
    const user = rows[0];
    if (!user || user.revoked || user.session_epoch !== (ep ?? 0)) throw refused();
    return { userId: user.id, email: user.email, scopes: ALL_SCOPES, sessionId: jti };
  }
}
