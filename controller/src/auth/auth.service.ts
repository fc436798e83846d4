import { Inject, Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import { Repository } from 'typeorm';
import { ApiError } from '../common/api-error';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { LoginDto, RegisterDto } from './dto/auth.dto';
import type { JwtClaims } from './authenticate.service';
import { UserEntity } from './user.entity';
import { toUserView, UserView } from './user.view';

export interface AuthResponse {
  token: string;
  data: UserView;
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  /** Verified against when the e-mail is unknown, so both failures take the same time. */
  private readonly decoyHash: Promise<string>;

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.decoyHash = argon2.hash('decoy-password-for-timing');
  }

  async register(dto: RegisterDto): Promise<AuthResponse> {
    const email = dto.email.trim().toLowerCase();
    if (await this.users.exist({ where: { email } })) {
      throw ApiError.conflict('an account with this email already exists', 'email_taken');
    }
    const user = await this.users.save(
      this.users.create({
        email,
        passwordHash: await argon2.hash(dto.password),
        name: dto.name?.trim() ?? '',
        role: 'USER',
        labels: dto.labels ?? {},
        metadata: dto.metadata ?? {},
      }),
    );
    this.logger.log({ user_id: user.id }, 'user registered');
    return { token: this.sign(user), data: toUserView(user) };
  }

  async login(dto: LoginDto): Promise<AuthResponse> {
    const email = dto.email.trim().toLowerCase();
    const user = await this.users.findOne({ where: { email } });
    const ok = await argon2.verify(user?.passwordHash ?? (await this.decoyHash), dto.password);
    if (!user || !ok) {
      this.logger.warn({ email_known: false }, 'failed login');
      throw ApiError.unauthorized('invalid email or password', 'invalid_credentials');
    }
    return { token: this.sign(user), data: toUserView(user) };
  }

  private sign(user: UserEntity): string {
    const claims: JwtClaims = { sub: user.id, email: user.email };
    return this.jwt.sign(claims, { expiresIn: this.config.jwtTtlSeconds });
  }
}
