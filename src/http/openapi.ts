import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PERMISSION_KEY } from '../auth/decorators';
import { Exposure, routePolicy } from '../auth/route-policy';
import { OtlpHttpReceiver } from '../otlp/otlp-http.receiver';
import { addOtlpPaths } from '../otlp/otlp-openapi';

/** One route a controller serves, with the permission its handler declares (if any). */
export interface ServedRoute {
  method: string;
  /** As OpenAPI writes it: `/api/v1/tools/{id}`. */
  path: string;
  declared: string | undefined;
}

type Operation = Record<string, unknown> & { responses?: Record<string, unknown>; parameters?: unknown[]; requestBody?: unknown };

const DESCRIPTION = `The data tier of an MCP / A2A gateway: the gateway's registry (tools, servers, resources, prompts,
gateways, agents, identity), execution metrics with hourly rollups, audit trails and structured logs, and
OpenTelemetry traces, over up to four PostgreSQL databases.

Authentication: \`Authorization: Bearer ff_…\`. Tokens are opaque strings (not JWTs) issued by an admin
(\`POST /api/v1/tokens\`, or \`npm run cli -- token create|admin\`); each route below says the permission it
needs (\`x-permission\`), and public routes have no security requirement. Errors are
\`{ statusCode, message, errors? }\`; \`errors\` names each refused field. This document is served as JSON
at \`/docs-json\` and as YAML at \`/docs-yaml\`.`;

/** Responses every operation may give, declared once in components.responses. */
const ERROR_RESPONSES: Record<string, { description: string; retryAfter?: boolean }> = {
  '400': { description: 'Invalid request: `errors` names each refused field and why' },
  '401': { description: 'Missing, malformed, unknown, expired or revoked token' },
  '403': { description: 'The token is valid but its roles do not grant the permission of this route' },
  '404': { description: 'No such entity, or one the caller may not see (the same answer)' },
  '413': { description: 'Body larger than HTTP_MAX_BODY_BYTES (or nested or keyed beyond the JSON bounds)' },
  '415': { description: 'Body that is not application/json (or not a content type this route takes)' },
  '429': { description: 'Too many authentication failures from this address: retry after Retry-After seconds', retryAfter: true },
  '503': { description: 'A database this needs does not answer, or the write buffer is full: retry after Retry-After seconds', retryAfter: true },
};

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const PATH_PARAM = /:([A-Za-z0-9_]+)/g;
const joinPath = (...parts: string[]) => `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`.replace(PATH_PARAM, '{$1}');

/** The OTLP/HTTP receivers: middleware, not controllers (otlp/otlp-openapi.ts describes them), each with its pipeline's permission. */
const otlpPipelines = (app: INestApplication) => app.get(OtlpHttpReceiver, { strict: false }).pipelines;

/**
 * Every route the API serves with the permission declared for it: each controller's, read from
 * the metadata Nest routes by, and the OTLP/HTTP receivers'.
 */
export function servedRoutes(app: INestApplication): ServedRoute[] {
  return [
    ...controllerRoutes(app),
    ...otlpPipelines(app).map((p) => ({ method: 'post', path: `/v1/${p.signal}`, declared: p.permission })),
  ];
}

function controllerRoutes(app: INestApplication): ServedRoute[] {
  const routes: ServedRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!type) continue;
      const prefixes = [Reflect.getMetadata(PATH_METADATA, type) ?? ''].flat() as string[];
      const proto = type.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (paths === undefined || method === undefined) continue;
        const declared = (Reflect.getMetadata(PERMISSION_KEY, handler) ?? Reflect.getMetadata(PERMISSION_KEY, type)) as string | undefined;
        for (const prefix of prefixes)
          for (const path of [paths].flat()) routes.push({ method: RequestMethod[method].toLowerCase(), path: joinPath(prefix, path), declared });
      }
    }
  }
  return routes;
}

/**
 * Writes the access rules into the document from the same function the guard decides with
 * (routePolicy), so that the document cannot say otherwise: public operations get `security: []`,
 * the others the bearer scheme and `x-permission`; and the error answers each can give.
 */
export function applyRoutePolicies(document: OpenAPIObject, routes: readonly ServedRoute[], exposure: Exposure): OpenAPIObject {
  document.components ??= {};
  document.components.schemas = {
    ...document.components.schemas,
    FieldError: {
      type: 'object',
      required: ['field', 'reason'],
      properties: { field: { type: 'string', example: 'name' }, reason: { type: 'string', example: 'name must be a string' } },
    },
    ApiError: {
      type: 'object',
      required: ['statusCode', 'message'],
      properties: {
        statusCode: { type: 'integer', example: 400 },
        message: { type: 'string' },
        errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' } },
      },
    },
  };
  document.components.responses = Object.fromEntries(
    Object.entries(ERROR_RESPONSES).map(([status, r]) => [
      `Error${status}`,
      {
        description: r.description,
        ...(r.retryAfter
          ? { headers: { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } } } }
          : {}),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
      },
    ]),
  );
  const byKey = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      if (!HTTP_METHODS.has(method)) continue;
      const route = byKey.get(`${method} ${path}`);
      const policy = routePolicy(path, method, route?.declared, exposure);
      const errors = ['400', '503'];
      if (policy.public) {
        op.security = [];
        op['x-public'] = true;
      } else {
        op.security = [{ bearer: [] }];
        op['x-permission'] = policy.permission;
        const note = `Needs a token with the \`${policy.permission}\` permission.`;
        op.description = op.description ? `${op.description as string}\n\n${note}` : note;
        errors.push('401', '403', '429');
      }
      if (path.includes('{')) errors.push('404');
      if (op.requestBody) errors.push('413', '415');
      op.responses ??= {};
      for (const status of errors.sort()) op.responses[status] ??= { $ref: `#/components/responses/Error${status}` };
    }
  }
  return document;
}

/** The OpenAPI document of the app, served at /docs (Swagger UI), /docs-json and /docs-yaml. */
export function setUpOpenApi(app: INestApplication, exposure: Exposure): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('fourfold')
    .setDescription(DESCRIPTION)
    .setVersion(process.env.npm_package_version ?? '0.1.0')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque ff_… token',
        description: 'An opaque token starting with `ff_` (not a JWT): `Authorization: Bearer ff_…`',
      },
      'bearer',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  addOtlpPaths(document, otlpPipelines(app));
  applyRoutePolicies(document, servedRoutes(app), exposure);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
  return document;
}
