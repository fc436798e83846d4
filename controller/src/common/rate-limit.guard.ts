import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ApiError } from './api-error';
import { TokenBucketPolicy, TokenBuckets } from './token-bucket';

export interface RateLimitPolicy extends TokenBucketPolicy {
  /** Buckets of different policies never share tokens. */
  name: string;
}

/**
 * The settings object policies read their limits from, bound by the app (ConfigModule binds the
 * validated AppConfig). Inverted on purpose: common/ must not import config/, which uses common/.
 * One object per app instance, so it also keys the app's buckets.
 */
export const RATE_LIMIT_SETTINGS = Symbol('RATE_LIMIT_SETTINGS');

/** Limits usually come from settings, so a policy is read from them at request time. */
export type RateLimitPolicySource<Settings extends object> = (settings: Settings) => RateLimitPolicy;

const RATE_LIMIT_POLICY = 'netwatcher:rate-limit-policy';

/**
 * Rate limits a controller or route with a token bucket per caller: the agent when an agent
 * guard has authenticated one, else the logged-in user, else the client address. Put it after
 * the authentication guard so the caller is known.
 */
export const RateLimit = <Settings extends object>(policy: RateLimitPolicySource<Settings>): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(RATE_LIMIT_POLICY, policy), UseGuards(RateLimitGuard));

interface Caller {
  agent?: { id?: number };
  user?: { id?: number };
}

function callerKey(req: Request & Caller): string {
  if (typeof req.agent?.id === 'number') return `agent:${req.agent.id}`;
  if (typeof req.user?.id === 'number') return `user:${req.user.id}`;
  return `ip:${req.ip ?? 'unknown'}`;
}

/**
 * Nest creates one guard instance per module that uses it, but a caller's bucket must be the
 * same on every route of a policy. Buckets are therefore kept per app, keyed by the app's
 * settings object (one per app instance, shared by all its providers), and die with the app.
 */
const bucketsByApp = new WeakMap<object, TokenBuckets>();

function bucketsFor(settings: object): TokenBuckets {
  let buckets = bucketsByApp.get(settings);
  if (!buckets) {
    buckets = new TokenBuckets();
    bucketsByApp.set(settings, buckets);
  }
  return buckets;
}

/**
 * Sets RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset (IETF httpapi ratelimit
 * headers) on every limited response, and Retry-After with a 429 in the documented error shape.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly buckets: TokenBuckets;

  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMIT_SETTINGS) private readonly settings: object,
  ) {
    this.buckets = bucketsFor(settings);
  }

  canActivate(context: ExecutionContext): boolean {
    const source = this.reflector.getAllAndOverride<RateLimitPolicySource<object> | undefined>(RATE_LIMIT_POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!source) return true;
    const policy = source(this.settings);
    const http = context.switchToHttp();
    const req = http.getRequest<Request & Caller>();
    const res = http.getResponse<Response>();
    const result = this.buckets.take(`${policy.name}:${callerKey(req)}`, policy);
    res.setHeader('RateLimit-Limit', String(result.limit));
    res.setHeader('RateLimit-Remaining', String(result.remaining));
    res.setHeader('RateLimit-Reset', String(result.resetSeconds));
    if (!result.allowed) {
      res.setHeader('Retry-After', String(result.retryAfterSeconds));
      throw ApiError.tooManyRequests(`too many requests: try again in ${result.retryAfterSeconds} s`);
    }
    return true;
  }
}
