import type { INestApplicationContext, Type } from '@nestjs/common';
import { GUARDS_METADATA, HEADERS_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { AgentPskGuard } from '../agents/agent-psk.guard';
import { IS_PUBLIC } from '../auth/public.decorator';
import { REQUIRED_SCOPE } from '../auth/require-scope.decorator';
import { SESSION_ONLY } from '../auth/session-only.decorator';

/**
 * How a route authenticates, read from the same metadata the guards act on: `user` takes a
 * session JWT or an API token, `session` only a session JWT (token management, password).
 */
export type RouteAuth = 'none' | 'user' | 'session' | 'agent';

/** What the OpenAPI document needs to know about one handler that Nest's explorer cannot see. */
export interface RouteFacts {
  auth: RouteAuth;
  /** A route that needs a scope, a session or a workspace role can answer 403. */
  mayForbid: boolean;
  /** The class of its `@Query()` DTO, if it takes one. */
  queryDto?: Type<unknown>;
  /** Whether it reads a body (`@Body()`). */
  hasBody: boolean;
  /** The content type a `@Header('Content-Type', …)` fixes, when it is not JSON. */
  contentType?: string;
}

interface RouteArg {
  index: number;
  data?: unknown;
}

/**
 * Every handler by the operationId Nest's swagger explorer gives it (`Controller_method`).
 * Read, not written: decorating the classes here would pile up when a document is built twice.
 */
export function collectRouteFacts(app: INestApplicationContext): Map<string, RouteFacts> {
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller || Reflect.getMetadata(PATH_METADATA, controller) === undefined) continue;
      const proto = controller.prototype as Record<string, unknown>;
      for (const key of Object.getOwnPropertyNames(proto)) {
        const handler = proto[key];
        if (key === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        facts.set(`${controller.name}_${key}`, factsOf(controller, handler, key));
      }
    }
  }
  return facts;
}

function factsOf(controller: Type<unknown>, handler: object, key: string): RouteFacts {
  const read = <T>(name: string): T | undefined => (Reflect.getMetadata(name, handler) as T | undefined) ?? (Reflect.getMetadata(name, controller) as T | undefined);
  const guards = [...((Reflect.getMetadata(GUARDS_METADATA, controller) as unknown[]) ?? []), ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[]) ?? [])];
  const scope = read<string>(REQUIRED_SCOPE);
  // AuthGuard's rule: an API token is taken only where a scope is declared (never @SessionOnly).
  const auth: RouteAuth = guards.includes(AgentPskGuard)
    ? 'agent'
    : read<boolean>(IS_PUBLIC)
      ? 'none'
      : scope !== undefined && !read<boolean>(SESSION_ONLY)
        ? 'user'
        : 'session';
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, key) as Record<string, RouteArg> | undefined) ?? {};
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, key) as Array<Type<unknown>> | undefined) ?? [];
  let queryDto: Type<unknown> | undefined;
  let hasBody = false;
  for (const [slot, arg] of Object.entries(args)) {
    const kind = Number(slot.split(':')[0]);
    if (kind === RouteParamtypes.BODY) hasBody = true;
    if (kind === RouteParamtypes.QUERY && arg.data === undefined) queryDto = types[arg.index];
  }
  const headers = (Reflect.getMetadata(HEADERS_METADATA, handler) as Array<{ name: string; value: string }> | undefined) ?? [];
  const contentType = headers.find((h) => h.name.toLowerCase() === 'content-type')?.value.split(';')[0].trim();
  const mayForbid = scope !== undefined || auth === 'session';
  return { auth, mayForbid, queryDto, hasBody, contentType };
}
