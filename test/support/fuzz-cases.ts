import { randomUUID } from 'node:crypto';
import { PUBLIC_ROUTES } from '../../src/auth/route-policy';

/**
 * Bad requests derived from the OpenAPI document: for every operation, every class of
 * hostile input that applies to it (bad types, NUL characters, deep nesting, key floods,
 * huge strings, impossible dates, tricky numbers, prototype keys, wrong content types,
 * oversized bodies, bad ids, missing tokens). Pure: the spec sends them and judges the answers.
 */

export interface Schema {
  type?: string;
  format?: string;
  enum?: unknown[];
  maxLength?: number;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  $ref?: string;
}

interface Parameter {
  name: string;
  in: 'path' | 'query';
  schema?: Schema;
}

export interface Operation {
  method: string;
  /** OpenAPI template, e.g. `/api/v1/tools/{id}`. */
  template: string;
  parameters: Parameter[];
  body: Schema | null;
  public: boolean;
}

export interface FuzzCase {
  operation: string;
  kind: string;
  method: string;
  path: string;
  body?: string | Buffer;
  contentType?: string;
  /** null: no token at all. */
  token?: null;
  /** Sent raw: these headers declare a body of this many bytes, and none is sent. */
  declaredBytes?: number;
  /** Further request headers. */
  headers?: Record<string, string>;
  /** A 400 must name this field among its errors. */
  field?: string;
  /** Acceptable statuses; unset: any answer below 500. */
  expect?: number[];
  /** What was sent, for the failure report. */
  note: string;
}

/** Big payloads built once, before the event loop is watched. */
export interface SharedPayloads {
  /** Just over HTTP_MAX_BODY_BYTES. */
  oversized: Buffer;
  /** About HTTP_MAX_BODY_BYTES of one free-form object with hundreds of thousands of keys. */
  keyFlood: Buffer;
  /** About HTTP_MAX_BODY_BYTES of tiny objects, each with a key name of its own. */
  distinctKeys: Buffer;
}

export const BAD_DATES = [
  '-271821-04-20T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '0000-01-01T00:00:00Z',
  'yesterday',
];
const BAD_QUERY_NUMBERS = ['0x10', '1e1', '-1', '1.5', '99999999999999999999', ''];
const BAD_BODY_NUMBERS = [-1, 1e20];
const NUL = 'fu\u0000zz';
/** Names every JavaScript object inherits: never a table key (src/architecture.spec.ts forbids `in` lookups). */
export const INHERITED_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
/** Windows at and past the ends of years 0001-9999, the range every time value from outside is held to. */
const EXTREME_WINDOWS: Array<Record<string, string>> = [
  { from: '0001-01-01T00:00:00Z' },
  { to: '0001-01-01T00:00:00Z' },
  { from: '0001-01-01T00:00:00Z', to: '9999-12-31T23:59:59Z' },
  { to: '9999-12-31T23:59:59Z' },
  { from: '0001-01-01T00:30:00+01:00' },
];
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
/** Cursors no listing wrote: other shapes, keys their columns cannot hold, stray characters. */
export const TAMPERED_CURSORS = [
  b64(['start', '1', 'a'.repeat(32)]),
  b64(['start', '2026-02-30T00:00:00.000000Z', 'a'.repeat(32)]),
  b64(['duration', '1e999', 'a'.repeat(32)]),
  b64(['tokens', '1.5', 'a'.repeat(32)]),
  b64(['not-an-id']),
  b64({ id: 1 }),
  `${b64(['0190f0c4-1234-7abc-8def-0123456789ab'])}=`,
  Buffer.from('0190f0c4-1234-7abc-8def-0123456789ab').toString('base64url'),
  'not!base64',
  'x'.repeat(600),
];
const PUBLIC_PREFIXES = ['/health', '/docs', '/status', '/auth/sso'];

export function buildSharedPayloads(maxBodyBytes: number): SharedPayloads {
  const oversized = Buffer.from(`{"name":"${'x'.repeat(maxBodyBytes)}"}`);
  const keys: string[] = [];
  for (let i = 0, size = 64; size < maxBodyBytes - 64; i++) {
    const entry = `"k${i}":0`;
    keys.push(entry);
    size += entry.length + 1;
  }
  const keyFlood = Buffer.from(`{"name":"fuzz","input_schema":{${keys.join(',')}}}`);
  const objects: string[] = [];
  for (let i = 0, size = 2; size < maxBodyBytes - 64; i++) {
    const entry = `{"d${i}":0}`;
    objects.push(entry);
    size += entry.length + 1;
  }
  return { oversized, keyFlood, distinctKeys: Buffer.from(`[${objects.join(',')}]`) };
}

/** Every operation of the document, schemas resolved. */
export function operations(doc: {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, Schema> };
}): Operation[] {
  const resolve = (schema: Schema | undefined): Schema | null => {
    if (!schema) return null;
    if (schema.$ref) return resolve(doc.components.schemas[schema.$ref.split('/').pop()!]);
    if (schema.allOf) {
      const parts = schema.allOf.map(resolve).filter((s): s is Schema => s !== null);
      return {
        type: 'object',
        properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
        required: parts.flatMap((p) => p.required ?? []),
      };
    }
    if (schema.items) return { ...schema, items: resolve(schema.items) ?? undefined };
    return schema;
  };
  const out: Operation[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } };
      out.push({
        method: method.toUpperCase(),
        template,
        parameters: op.parameters ?? [],
        body: resolve(op.requestBody?.content?.['application/json']?.schema),
        public: PUBLIC_PREFIXES.some((p) => template.startsWith(p)) || PUBLIC_ROUTES.has(template),
      });
    }
  }
  return out;
}

/** A route as the router holds it: method and Express path (`/api/v1/tools/:id`). */
export interface RouterRoute {
  method: string;
  path: string;
}

/**
 * The operations of the document plus every route the router serves that the document does
 * not list (routes added later, by any module, are covered without a change here): those get
 * their path parameters and no body schema.
 */
export function withRouterRoutes(documented: Operation[], routes: RouterRoute[]): Operation[] {
  const known = new Set(documented.map((o) => `${o.method} ${o.template}`));
  // Another method on a documented path is its 405 answer; a catch-all (`{*path}`) is no route of the API.
  const templates = new Set(documented.map((o) => o.template));
  const extra = routes
    .map((r) => ({ method: r.method.toUpperCase(), template: r.path.replace(/:(\w+)/g, '{$1}') }))
    .filter(
      (r) =>
        r.template.startsWith('/') &&
        !r.template.includes('*') &&
        !templates.has(r.template) &&
        !known.has(`${r.method} ${r.template}`) &&
        ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method),
    );
  const unique = [...new Map(extra.map((r) => [`${r.method} ${r.template}`, r])).values()];
  return [
    ...documented,
    ...unique.map((r) => ({
      method: r.method,
      template: r.template,
      parameters: [...r.template.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path' as const })),
      body: null,
      public: PUBLIC_PREFIXES.some((p) => r.template.startsWith(p)),
    })),
  ];
}

/** A value that passes the property's declared type, format and enum (not necessarily its other rules). */
function sample(name: string, schema: Schema): unknown {
  if (schema.enum?.length) return schema.enum[0];
  if (schema.format === 'uuid') return randomUUID();
  switch (schema.type) {
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return name === 'description' ? 'fuzz' : {};
  }
  if (/url|icon|api_base|issuer|redirect_uri/.test(name)) return 'https://fuzz.example.com';
  if (name === 'slug') return 'fuzz-slug';
  if (name === 'email' || name.endsWith('_email')) return 'fuzz@example.com';
  // PKCE: 43-128 characters.
  if (name === 'code_verifier') return 'f'.repeat(43);
  return 'fuzz';
}

/** The required fields of a body with sample values: the body every class below spoils in one place. */
function baseOf(schema: Schema): Record<string, unknown> {
  const base: Record<string, unknown> = {};
  for (const name of schema.required ?? []) base[name] = sample(name, schema.properties?.[name] ?? {});
  return base;
}

const isNumberParam = (p: { name: string; schema?: Schema }) =>
  ['integer', 'number'].includes(p.schema?.type ?? '') || ['limit', 'version', 'hours_back'].includes(p.name);
const isDateParam = (p: { name: string; schema?: Schema }) =>
  p.schema?.format === 'date-time' || ['since', 'until', 'from', 'to', 'timestamp'].includes(p.name);

/** Valid-looking path parameter values (ids that do not exist). */
function pathValue(name: string, schema: Schema | undefined): string {
  if (schema?.enum?.length) return String(schema.enum[0]);
  if (schema?.format === 'uuid') return randomUUID();
  if (name === 'email') return 'fuzz@example.com';
  if (name === 'role') return 'no-such-role';
  if (name === 'kind') return 'tools';
  if (/^trace_?id$/i.test(name)) return randomUUID().replace(/-/g, '');
  return randomUUID();
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name]).replace(/%2500/g, '%00'));
}

/** Every bad request for one operation. */
export function fuzzCases(op: Operation, shared: SharedPayloads): FuzzCase[] {
  const name = `${op.method} ${op.template}`;
  const cases: FuzzCase[] = [];
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const goodPath: Record<string, string> = Object.fromEntries(pathParams.map((p) => [p.name, pathValue(p.name, p.schema)]));
  const isArrayBody = op.body?.type === 'array';
  const itemSchema = (isArrayBody ? op.body!.items : op.body) ?? {};
  const base = baseOf(itemSchema);
  // An update needs something to change: with no required field, the first property (so a missing id answers 404, not 400).
  const firstProp = Object.entries(itemSchema.properties ?? {})[0];
  if (op.method === 'PATCH' && Object.keys(base).length === 0 && firstProp) base[firstProp[0]] = sample(firstProp[0], firstProp[1]);
  const wrap = (value: Record<string, unknown>) => (isArrayBody ? [value] : value);
  const json = (value: unknown) => JSON.stringify(value);
  const add = (kind: string, note: string, c: Partial<FuzzCase>, expect?: number[]) =>
    cases.push({ operation: name, kind, method: op.method, path: fill(op.template, goodPath), note, expect, ...c });
  const withBody = (kind: string, note: string, body: string | Buffer, expect: number[], contentType = 'application/json') =>
    add(kind, note, { body, contentType }, expect);
  const goodBody = op.body ? json(wrap(base)) : undefined;

  if (!op.public) {
    add('no token', 'no Authorization header', { token: null, body: goodBody, contentType: 'application/json' }, [401]);
    // 401 from the headers alone: the declared body never comes, and the answer must not wait for it.
    add(
      'declared body, no token',
      'Content-Length: 4 MiB, nothing sent',
      { token: null, declaredBytes: 4 * 1024 * 1024, contentType: 'application/json' },
      [401],
    );
    add(
      'declared body, no token',
      'Content-Length: 4 MiB, nothing sent, charset=utf-16le',
      { token: null, declaredBytes: 4 * 1024 * 1024, contentType: 'application/json; charset=utf-16le' },
      [401],
    );
  }
  // As the router matches: another letter case and a trailing slash are the same route, answered (not left waiting).
  // Nothing may be written: reads with a token; writes with a body the route refuses, or without a token.
  const sent = { body: goodBody, contentType: goodBody ? 'application/json' : undefined };
  const isOtlp = /^\/v1\/(traces|metrics|logs)$/.test(op.template);
  const caseSent: Partial<FuzzCase> =
    op.method === 'GET'
      ? {}
      : isOtlp
        ? { body: '{}', contentType: 'application/json' }
        : op.body
          ? { body: json(wrap({ ...base, fuzz_unknown: 1 })), contentType: 'application/json' }
          : { token: null };
  const shout = (template: string) =>
    template.replace(/(^|\/)([a-z][a-z0-9-]*)(?=\/|$)/g, (_, slash: string, word: string) => slash + word.toUpperCase());
  add('letter case', 'path in upper case', { ...caseSent, path: fill(shout(op.template), goodPath) });
  add('letter case', 'trailing slash', { ...caseSent, path: `${fill(op.template, goodPath)}/` });
  add('letter case', 'upper case and trailing slash', { ...caseSent, path: `${fill(shout(op.template), goodPath)}/` });

  for (const p of pathParams) {
    const path = (value: string) => fill(op.template, { ...goodPath, [p.name]: value });
    add('NUL in path', `${p.name}=a\\0b`, { ...sent, path: path('a\u0000b') }, [400]);
    const idLike = p.schema?.format === 'uuid' || /id$/i.test(p.name);
    add('bad id', `${p.name}=x×300`, { ...sent, path: path('x'.repeat(300)) }, idLike ? [400, 404] : undefined);
    // Any answer but a 5xx: some names are free text (a metrics entity id, a Jaeger service), where an unknown one answers empty.
    for (const name of INHERITED_NAMES) add('inherited name', `${p.name}=${name}`, { ...sent, path: path(name) });
    if (p.schema?.format === 'uuid') {
      add('bad id', `${p.name}=not-a-uuid`, { ...sent, path: path('not-a-uuid') }, [400]);
      add('bad id', `${p.name}=random uuid`, { ...sent, path: path(randomUUID()) }, [404]);
    }
  }

  const query = (params: Record<string, string>) => `${fill(op.template, goodPath)}?${new URLSearchParams(params)}`;
  const required = Object.fromEntries(
    queryParams.filter((p) => (p as { required?: boolean }).required).map((p) => [p.name, String(sample(p.name, p.schema ?? {}))]),
  );
  for (const p of queryParams) {
    add('NUL in query', `${p.name}=fu\\0zz`, { path: query({ ...required, [p.name]: NUL }) }, [400]);
    if (isDateParam(p)) for (const d of BAD_DATES) add('bad date', `${p.name}=${d}`, { path: query({ ...required, [p.name]: d }) }, [400]);
    if (isNumberParam(p))
      for (const n of BAD_QUERY_NUMBERS) add('bad number', `${p.name}=${n}`, { path: query({ ...required, [p.name]: n }) }, [400]);
  }
  add('prototype keys', '?__proto__=x&constructor=y', { path: `${query(required)}&__proto__=x&constructor=y` }, [400]);
  // One rule for unknown parameters: refused, naming them.
  if (op.method === 'GET' && queryParams.length)
    add('unknown parameter', '?fuzz_unknown=1', { path: query({ ...required, fuzz_unknown: '1' }), field: 'fuzz_unknown' }, [400]);
  if (queryParams.some((p) => p.name === 'cursor'))
    for (const cursor of TAMPERED_CURSORS)
      add(
        'tampered cursor',
        `cursor=${cursor.slice(0, 40)}`,
        { path: query({ ...required, cursor }), field: 'cursor' },
        pathParams.length ? [400, 404] : [400],
      );
  if (queryParams.some(isDateParam)) {
    const names = queryParams.filter(isDateParam).map((p) => p.name);
    const [fromName, toName] = [names.find((n) => /from|since|start/.test(n)), names.find((n) => /to|until|end/.test(n))];
    for (const w of EXTREME_WINDOWS) {
      const params: Record<string, string> = { ...required };
      if (w.from && fromName) params[fromName] = w.from;
      if (w.to && toName) params[toName] = w.to;
      if (Object.keys(params).length > Object.keys(required).length)
        add('extreme window', new URLSearchParams(params).toString(), { path: query(params) });
    }
  }

  if (!op.body) return cases;
  const props = Object.entries(itemSchema.properties ?? {});
  for (const [prop, schema] of props) {
    withBody('NUL in body', `${prop}: "fu\\0zz"`, json(wrap({ ...base, [prop]: NUL })), [400]);
    if (schema.type === 'object') {
      withBody('NUL in body', `${prop}: {"k\\0": 1}`, json(wrap({ ...base, [prop]: { 'k\u0000': 1 } })), [400]);
      withBody('NUL in body', `${prop}: {"k": "v\\0"}`, json(wrap({ ...base, [prop]: { k: 'v\u0000' } })), [400]);
      const proto = json(wrap({ ...base, [prop]: { PROTO: { polluted: true } } })).replace('"PROTO"', '"__proto__"');
      withBody('prototype keys', `${prop}: {"__proto__": …}`, proto, [400]);
    }
    // `true` is wrong for strings, objects and arrays alike (nullable strings and numbers read as `object` in the document).
    const wrong = schema.type === 'number' || schema.type === 'integer' ? 'abc' : schema.type === 'boolean' ? 'yes' : true;
    withBody('bad type', `${prop}: ${JSON.stringify(wrong)}`, json(wrap({ ...base, [prop]: wrong })), [400]);
    if (schema.type === 'number' || schema.type === 'integer')
      for (const n of BAD_BODY_NUMBERS) withBody('bad number', `${prop}: ${n}`, json(wrap({ ...base, [prop]: n })), [400]);
    if (isDateParam({ name: prop, schema }))
      for (const d of BAD_DATES) withBody('bad date', `${prop}: ${d}`, json(wrap({ ...base, [prop]: d })), [400]);
    if (schema.maxLength)
      withBody(
        'huge string',
        `${prop}: ${schema.maxLength + 1} characters`,
        json(wrap({ ...base, [prop]: 'x'.repeat(schema.maxLength + 1) })),
        [400],
      );
  }
  const first = props.find(([, s]) => s.type === 'object')?.[0] ?? props[0]?.[0] ?? 'x';
  for (const depth of [3_000, 10_000]) {
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    withBody('deep nesting', `${first}: ${depth} nested arrays`, json(wrap({ ...base, [first]: 'DEEP' })).replace('"DEEP"', deep), [400]);
  }
  withBody(
    'prototype keys',
    'top-level "__proto__" and "constructor"',
    json(wrap({ ...base, PROTO: {}, CTOR: { prototype: {} } }))
      .replace('"PROTO"', '"__proto__"')
      .replace('"CTOR"', '"constructor"'),
    [400],
  );
  withBody('huge string', 'a 3 MiB string', json(wrap({ ...base, [props[0]?.[0] ?? 'x']: 'x'.repeat(3 * 1024 * 1024) })), [400]);
  withBody('key flood', 'input_schema with ~300k keys', shared.keyFlood, [400]);
  withBody('key flood', '~300k objects with distinct keys', shared.distinctKeys, [400]);
  withBody('oversized body', 'HTTP_MAX_BODY_BYTES + 1', shared.oversized, [413]);
  withBody('wrong content type', 'application/x-www-form-urlencoded', 'name=fuzz&slug=fuzz', [415], 'application/x-www-form-urlencoded');
  withBody('wrong content type', 'text/plain', goodBody!, [415], 'text/plain');
  // JSON bodies are UTF-8 (RFC 8259 §8.1): the bounds read exactly the text the parser reads.
  for (const charset of ['utf-16le', 'utf-16', 'iso-8859-1', '"UTF-32"'])
    withBody('other charset', `charset=${charset}`, Buffer.from(goodBody!, 'utf16le'), [415], `application/json; charset=${charset}`);
  const deepUtf16 = `{"x":"\u2200",${JSON.stringify(first)}:${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
  withBody(
    'other charset',
    'U+2200 then 20,000-deep nesting, UTF-16LE',
    Buffer.from(deepUtf16, 'utf16le'),
    [415],
    'application/json; charset=utf-16le',
  );
  return cases;
}
