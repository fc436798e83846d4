import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApiError } from '../common/api-error';
import type { Caller } from './caller';
import { ALL_SCOPES } from './scopes';
import { UserEntity } from './user.entity';

export interface JwtClaims {
  sub: number;
  email: string;
}

/**
 * The one place a bearer credential becomes a Caller, for HTTP (AuthGuard) and for the panel
 * socket alike, so both accept and refuse exactly the same credentials.
 */
@Injectable()
export class AuthenticateService {
  constructor(
    private readonly jwt: JwtService,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
  ) {}

  /** Throws 401 `ApiError` for a missing, forged, expired or orphaned credential. */
  async authenticate(credential: string | undefined): Promise<Caller> {
    if (!credential) throw ApiError.unauthorized('missing or invalid token');
    return this.fromJwt(credential);
  }

  private async fromJwt(token: string): Promise<Caller> {
    let claims: JwtClaims;
    try {
      claims = this.jwt.verify<JwtClaims>(token, { algorithms: ['HS256'] });
    } catch {
      throw ApiError.unauthorized('missing or invalid token');
    }
    // A token outlives nothing: a deleted user's token stops working at once.
    if (!Number.isSafeInteger(claims.sub) || claims.sub < 1) throw ApiError.unauthorized('missing or invalid token');
    const user = await this.users.findOne({ where: { id: claims.sub }, select: { id: true, email: true } });
    if (!user) throw ApiError.unauthorized('missing or invalid token');
    return { userId: user.id, email: user.email, scopes: ALL_SCOPES };
  }
}
