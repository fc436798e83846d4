import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request, Response } from 'express';
import { Observable, tap } from 'rxjs';
import { paginationLinks, type PageWindow } from './pagination-links';

function isListEnvelope(body: unknown): body is PageWindow & { data: unknown[] } {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return Array.isArray(b.data) && typeof b.total === 'number' && typeof b.limit === 'number' && typeof b.offset === 'number';
}

type Constructor = new () => object;

/**
 * Whether the route takes `offset` in its query DTO. Lists that do not (a probe's series, the
 * results by target) still get X-Total-Count, but a `next` link there would only earn a 400.
 */
function routeTakesOffset(context: ExecutionContext): boolean {
  const handler = context.getHandler();
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, { index: number }>;
  const types = (Reflect.getMetadata('design:paramtypes', context.getClass().prototype, handler.name) ?? []) as unknown[];
  return Object.entries(args).some(([key, { index }]) => {
    if (Number(key.split(':')[0]) !== RouteParamtypes.QUERY) return false;
    const type = types[index];
    if (typeof type !== 'function' || type === Object) return false;
    try {
      return 'offset' in new (type as Constructor)();
    } catch {
      return false;
    }
  });
}

/**
 * Every list (`{data,total,limit,offset}`) also says its size and neighbours in headers:
 * `X-Total-Count` and RFC 8288 `Link` with `prev`/`next`, for clients that page by headers.
 */
@Injectable()
export class PaginationHeadersInterceptor implements NestInterceptor {
  private readonly pagingRoutes = new WeakMap<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    return next.handle().pipe(
      tap((body) => {
        if (!isListEnvelope(body)) return;
        const res = context.switchToHttp().getResponse<Response>();
        if (res.headersSent) return;
        res.setHeader('X-Total-Count', String(body.total));
        if (!this.takesOffset(context)) return;
        const links = paginationLinks(context.switchToHttp().getRequest<Request>().originalUrl, body);
        if (links) res.setHeader('Link', links);
      }),
    );
  }

  private takesOffset(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let known = this.pagingRoutes.get(handler);
    if (known === undefined) {
      known = routeTakesOffset(context);
      this.pagingRoutes.set(handler, known);
    }
    return known;
  }
}
