import 'reflect-metadata';
import type { DynamicModule, Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { AuthModule } from '../src/auth/auth.module';
import { IS_PUBLIC } from '../src/auth/public.decorator';
import { REQUIRED_SCOPE } from '../src/auth/require-scope.decorator';
import { isScope } from '../src/auth/scopes';
import { SESSION_ONLY } from '../src/auth/session-only.decorator';
import { FEATURE_MODULES } from '../src/feature-modules';
import { HealthModule } from '../src/health/health.module';

const VERBS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];

function controllersOf(roots: Array<Type<unknown> | DynamicModule>): Array<Type<object>> {
  const seen = new Set<unknown>();
  const controllers = new Set<Type<object>>();
  const visit = (entry: Type<unknown> | DynamicModule | undefined): void => {
    if (!entry) return;
    const module = 'module' in entry ? entry.module : entry;
    if (seen.has(module)) return;
    seen.add(module);
    const dynamic = 'module' in entry ? entry : undefined;
    const own: Array<Type<object>> = Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, module) ?? [];
    for (const c of [...own, ...((dynamic?.controllers ?? []) as Array<Type<object>>)]) controllers.add(c);
    const imports: Array<Type<unknown> | DynamicModule> = [
      ...(Reflect.getMetadata(MODULE_METADATA.IMPORTS, module) ?? []),
      ...((dynamic?.imports ?? []) as Array<Type<unknown> | DynamicModule>),
    ];
    for (const imported of imports) visit(imported);
  };
  roots.forEach(visit);
  return [...controllers];
}

interface Route {
  route: string;
  declared: 'public' | 'session-only' | `scope ${string}` | 'nothing';
}

function routesOf(controller: Type<object>): Route[] {
  const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
  const proto = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto)
    .filter((name) => name !== 'constructor' && typeof proto[name] === 'function')
    .filter((name) => Reflect.getMetadata(PATH_METADATA, proto[name] as object) !== undefined)
    .map((name) => {
      const handler = proto[name] as object;
      const meta = (key: string): unknown => Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
      const verb = VERBS[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const route = `${verb} /${[base, String(Reflect.getMetadata(PATH_METADATA, handler))].filter((p) => p && p !== '/').join('/')} (${controller.name}.${name})`;
      const scope = meta(REQUIRED_SCOPE);
      const declared: Route['declared'] = meta(IS_PUBLIC)
        ? 'public'
        : meta(SESSION_ONLY)
          ? 'session-only'
          : isScope(scope)
            ? `scope ${scope}`
            : 'nothing';
      return { route, declared };
    });
}

describe('route declarations', () => {
  const routes = controllersOf([AuthModule, HealthModule, ...FEATURE_MODULES]).flatMap(routesOf);

  it('finds the routes of every feature (the walk itself works)', () => {
    const names = routes.map((r) => r.route).join('\n');
    for (const expected of ['POST /auth/tokens', 'GET /workspaces/:id/agents', 'PATCH /alerts/:alertId', 'GET /healthz', 'GET /geoip/lookup']) {
      expect(names).toContain(expected);
    }
    expect(routes.length).toBeGreaterThan(60);
  });

  it('gives every route a declared scope, or marks it public or session-only', () => {
    expect(routes.filter((r) => r.declared === 'nothing').map((r) => r.route)).toEqual([]);
  });

  it('keeps token management and the password session-only', () => {
    const sessionOnly = routes.filter((r) => r.declared === 'session-only').map((r) => r.route.split(' (')[0]);
    expect(sessionOnly.sort()).toEqual(
      ['DELETE /auth/tokens/:tokenId', 'GET /auth/tokens', 'POST /auth/logout', 'POST /auth/password', 'POST /auth/tokens'].sort(),
    );
  });
});
