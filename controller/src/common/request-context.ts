import { AsyncLocalStorage } from 'node:async_hooks';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';

/**
 * Who made the request being served and from where, readable anywhere below the route handler
 * (the audit trail) without passing it through every service signature.
 */
export interface RequestContext {
  requestId: string | null;
  /** The client address as Express resolved it (TRUSTED_PROXIES decides whether X-Forwarded-For counts). */
  sourceAddress: string | null;
  /** The authenticated account, null on public routes. */
  userId: number | null;
  /** Set when the credential was an API token. */
  tokenId: number | null;
}

/** The part of a request this reads; structural, so common/ needs nothing from auth/. */
interface ContextRequest {
  id?: unknown;
  ip?: unknown;
  caller?: { userId: number; tokenId?: number };
}

const storage = new AsyncLocalStorage<RequestContext>();

export function requestContextOf(req: ContextRequest): RequestContext {
  return {
    requestId: typeof req.id === 'string' ? req.id : null,
    sourceAddress: typeof req.ip === 'string' ? req.ip : null,
    userId: req.caller?.userId ?? null,
    tokenId: req.caller?.tokenId ?? null,
  };
}

/** The context of the request this code runs for; undefined outside one (timers, socket events). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs `fn` as if serving a request with this context (sockets, tests). */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * Global interceptor: interceptors run after guards, so the caller is known by then. Nest binds
 * the handler's execution to the async context in which `next.handle()` was called, so every
 * await in the handler and the services it calls sees this store.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<ContextRequest>();
    return storage.run(requestContextOf(req), () => next.handle());
  }
}
