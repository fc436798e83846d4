import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';

export interface AppRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As registered: `/workspaces/:id/agents/:agentID`. */
  path: string;
  /** The `:name` parameters, in order. */
  params: string[];
}

interface RouterLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every REST route the running app registered, read from Express's router: a route added to any
 * controller is fuzzed without anyone listing it here. (The panel's files are served by a
 * middleware, not a route, and have no input to fuzz beyond the path.)
 */
export function appRoutes(app: INestApplication): AppRoute[] {
  const express = app.getHttpAdapter().getInstance() as {
    router?: { stack: RouterLayer[] };
    _router?: { stack: RouterLayer[] };
  };
  const stack = (express.router ?? express._router)?.stack ?? [];
  const routes: AppRoute[] = [];
  for (const layer of stack) {
    if (!layer.route) continue;
    for (const path of Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path]) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        const upper = method.toUpperCase();
        if (!on || !METHODS.has(upper)) continue;
        routes.push({
          method: upper as AppRoute['method'],
          path,
          params: [...path.matchAll(/:(\w+)/g)].map((m) => m[1]),
        });
      }
    }
  }
  return routes;
}

/** The path with each parameter replaced by the given (already URL-safe) segment. */
export function fillPath(route: AppRoute, segments: Record<string, string>): string {
  return route.path.replace(/:(\w+)/g, (_, name: string) => segments[name] ?? '1');
}

/** A DTO property and the class-validator rules on it (`isIn` with its values, `max` with its bound, …). */
export interface DtoField {
  name: string;
  rules: Array<{ name: string; constraints: unknown[] }>;
}

/** The fields a route's body and query DTOs validate (empty: no DTO, anything extra is refused or ignored). */
export interface RouteInputs {
  body: DtoField[];
  query: DtoField[];
}

type Constructor = abstract new (...args: never[]) => unknown;

function joinPath(...parts: string[]): string {
  return ('/' + parts.filter(Boolean).join('/')).replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
}

/** The properties class-validator checks on a DTO class, inherited ones included, with their rules. */
function dtoFields(type: unknown): DtoField[] {
  if (typeof type !== 'function' || [Object, String, Number, Boolean, Array].includes(type as never)) return [];
  const fields = new Map<string, DtoField>();
  for (const m of getMetadataStorage().getTargetValidationMetadatas(type as Constructor as never, '', true, false)) {
    const field = fields.get(m.propertyName) ?? { name: m.propertyName, rules: [] };
    field.rules.push({ name: m.name ?? m.type, constraints: m.constraints ?? [] });
    fields.set(m.propertyName, field);
  }
  return [...fields.values()];
}

/**
 * Each route's body and query DTO fields, from the controllers' own metadata (the same Nest reads
 * to build the router), keyed `METHOD /path` as appRoutes names them. Lets the fuzzer send the
 * fields a route actually takes, so requests get past "unknown field" and reach the service.
 */
export function routeInputs(app: INestApplication): Map<string, RouteInputs> {
  const inputs = new Map<string, RouteInputs>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (Constructor & { prototype: Record<string, unknown> }) | null;
      if (!type) continue;
      const prefixes = [Reflect.getMetadata(PATH_METADATA, type) ?? ''].flat() as string[];
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = type.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as number | undefined;
        if (paths === undefined || method === undefined) continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, type, name) ?? {}) as Record<string, { index: number }>;
        const types = (Reflect.getMetadata('design:paramtypes', type.prototype, name) ?? []) as unknown[];
        const of = (kind: RouteParamtypes): DtoField[] =>
          Object.entries(args).flatMap(([key, { index }]) =>
            Number(key.split(':')[0]) === kind ? dtoFields(types[index]) : [],
          );
        for (const prefix of prefixes)
          for (const path of [paths].flat())
            inputs.set(`${RequestMethod[method]} ${joinPath(prefix, path)}`, {
              body: of(RouteParamtypes.BODY),
              query: of(RouteParamtypes.QUERY),
            });
      }
    }
  }
  return inputs;
}
