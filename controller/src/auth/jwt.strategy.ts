import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { InjectRepository } from '@nestjs/typeorm';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Repository } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import type { AuthUser } from './current-user.decorator';
import { UserEntity } from './user.entity';

export interface JwtClaims {
  sub: number;
  email: string;
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwtSecret,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  /** A token outlives nothing: a deleted user's token stops working at once. */
  async validate(claims: JwtClaims): Promise<AuthUser | false> {
    if (typeof claims?.sub !== 'number') return false;
    const user = await this.users.findOne({ where: { id: claims.sub }, select: { id: true, email: true } });
    return user ? { id: user.id, email: user.email } : false;
  }
}
