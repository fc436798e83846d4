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

@Module({
  imports: [
    TypeOrmModule.forFeature([UserEntity, RevokedSessionEntity]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ secret: config.jwtSecret, signOptions: { algorithm: 'HS256' } }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, AuthenticateService, SessionsService, UserDirectory, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [JwtModule, AuthService, AuthenticateService, UserDirectory],
})
export class AuthModule {}
