import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthGuard } from './auth.guard';
import { AuthenticateService } from './authenticate.service';
import { RevokedSessionEntity } from './revoked-session.entity';
import { SessionsService } from './sessions.service';
import { UserDirectory } from './user-directory.service';
import { UserEntity } from './user.entity';
import { ApiTokenEntity } from './tokens/api-token.entity';
import { ApiTokenVerifier } from './tokens/api-token.verifier';
import { ApiTokensController } from './tokens/api-tokens.controller';
import { ApiTokensService } from './tokens/api-tokens.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([UserEntity, RevokedSessionEntity, ApiTokenEntity]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ secret: config.jwtSecret, signOptions: { algorithm: 'HS256' } }),
    }),
  ],
  controllers: [AuthController, ApiTokensController],
  providers: [
    AuthService,
    AuthenticateService,
    SessionsService,
    UserDirectory,
    ApiTokensService,
    ApiTokenVerifier,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [JwtModule, AuthService, AuthenticateService, UserDirectory],
})
export class AuthModule {}
