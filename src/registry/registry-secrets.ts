import { SecretBox } from '../common/secret-box';
import { ApiObject } from '../http/api-json';
import { isSecretName, MASK } from '../logs/mask';
import { RegistryResource } from './registry-resource';

type Json = unknown;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Where secrets of the registry live and how they travel, for the service, the responses and
 * `secrets rotate` alike:
 * - secret columns (`auth_value`, `api_key`) are sealed whole and never returned (`<column>_set`);
 * - in JSON columns that may carry credentials (`oauth_config`…), each secret-named key's value
 *   is sealed and returned as MASK; sending MASK back keeps the stored value;
 * - header-like columns (`headers`) keep their values in clear for the service, but only
 *   callers who may manage the entity read them; others get MASK for every value.
 * Each value is sealed for its place (`<table>.<column>[.<path>]:<id>`).
 */
export class RegistrySecrets {
  constructor(private readonly box: SecretBox) {}

  /** Values to store for this input: secrets sealed. `stored` (an update) supplies values sent back as MASK. */
  seal(resource: RegistryResource, table: string, id: string, input: ApiObject, stored: ApiObject | null): ApiObject {
    const out = { ...input };
    for (const column of resource.secrets) {
      const value = input[column];
      if (value !== undefined && value !== null) out[column] = this.box.seal(value, `${table}.${column}:${id}`);
    }
    for (const column of resource.nestedSecrets ?? []) {
      if (input[column] === undefined) continue;
      out[column] = mapSecretLeaves(input[column], (value, path) => {
        if (value === MASK) return at(stored?.[column], path) ?? null;
        return this.box.seal(value, `${table}.${column}.${path}:${id}`);
      });
    }
    return out;
  }

  /** The row's secrets sealed again with the active key; null when every one already is (or there is none). */
  reseal(resource: RegistryResource, table: string, id: string, stored: ApiObject): ApiObject | null {
    const changes: ApiObject = {};
    const again = (value: Json, context: string) =>
      this.box.isCurrent(value) ? value : this.box.seal(this.box.open(value, context), context);
    for (const column of resource.secrets) {
      const value = stored[column];
      if (value === null || value === undefined) continue;
      const sealed = again(value, `${table}.${column}:${id}`);
      if (sealed !== value) changes[column] = sealed;
    }
    for (const column of resource.nestedSecrets ?? []) {
      let changed = false;
      const value = mapSecretLeaves(stored[column], (leaf, path) => {
        const sealed = again(leaf, `${table}.${column}.${path}:${id}`);
        changed ||= sealed !== leaf;
        return sealed;
      });
      if (changed) changes[column] = value;
    }
    return Object.keys(changes).length > 0 ? changes : null;
  }
}

/** The row as the API shows it to a caller: secrets replaced or masked (see RegistrySecrets). */
export function withoutSecrets(resource: RegistryResource, values: ApiObject, mayManage: boolean): ApiObject {
  const out: ApiObject = {};
  for (const [column, value] of Object.entries(values)) {
    if (resource.secrets.includes(column)) out[`${column}_set`] = value !== null && value !== undefined;
    else if (resource.nestedSecrets?.includes(column)) out[column] = mapSecretLeaves(value, () => MASK);
    else if (!mayManage && resource.maskedUnlessManager?.includes(column) && isObject(value))
      out[column] = Object.fromEntries(Object.keys(value).map((k) => [k, MASK]));
    else out[column] = value;
  }
  return out;
}

/** A copy of `value` with each non-null value under a secret-named key replaced by `f(value, path)`. */
function mapSecretLeaves(value: Json, f: (leaf: Json, path: string) => Json, path = ''): Json {
  if (Array.isArray(value)) return value.map((v, i) => mapSecretLeaves(v, f, path ? `${path}.${i}` : String(i)));
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      const here = path ? `${path}.${k}` : k;
      return [k, isSecretName(k) && v !== null && v !== undefined ? f(v, here) : mapSecretLeaves(v, f, here)];
    }),
  );
}

function at(value: Json, path: string): Json {
  let v = value;
  for (const key of path.split('.')) v = isObject(v) || Array.isArray(v) ? (v as Record<string, Json>)[key] : undefined;
  return v;
}
