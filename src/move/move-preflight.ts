import { RoleRegistry } from '../database/role-definition';
import { OptionalRole } from '../database/roles';
import { existingTables, fingerprint, readHistory } from './move-catalog';
import { MoveSession } from './move-session';

/** A move that must not happen: the message says why; nothing has been written. */
export class MoveRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoveRefused';
  }
}

/** The names of a role's migrations in this version of fourfold, oldest first. */
export const codeMigrations = (registry: RoleRegistry, role: OptionalRole): string[] =>
  registry[role].migrations.map((M) => new M().name ?? M.name);

/** The same migrations, whatever order each side lists them in. */
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

function describeDifference(side: string, found: readonly string[], expected: readonly string[]): string {
  const missing = expected.filter((m) => !found.includes(m));
  const unknown = found.filter((m) => !expected.includes(m));
  return [
    missing.length ? `${side} lacks ${missing.join(', ')}` : '',
    unknown.length ? `${side} has ${unknown.join(', ')}, which this version of fourfold does not know` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

export interface PreflightResult {
  /** The target has neither the role's tables nor its history: it is migrated before the first row is written. */
  targetFresh: boolean;
}

/**
 * The checks that need no snapshot and write nothing: two names for one database, schemas
 * that are not at the same migration, a concurrent move. Rows under the same ids are compared
 * later, unit by unit, before the first write.
 */
export async function preflight(
  source: MoveSession,
  target: MoveSession,
  registry: RoleRegistry,
  role: OptionalRole,
  labels: { source: string; target: string },
  tables: string[],
): Promise<PreflightResult> {
  if ((await fingerprint(source)) === (await fingerprint(target))) {
    throw new MoveRefused(`source and target are the same database (${labels.source} and ${labels.target}): nothing to move`);
  }
  const code = codeMigrations(registry, role);
  const sourceHistory = await readHistory(source, role);
  if (!sourceHistory || !sourceHistory.length) {
    throw new MoveRefused(`the source ${labels.source} has no ${role} schema (no ${role} migration in its history): is the role there?`);
  }
  if (!sameList(sourceHistory, code)) {
    throw new MoveRefused(
      `migrations differ: ${describeDifference(`the source ${labels.source}`, sourceHistory, code)}. ` +
        `Bring both databases to this version first (npm run db:migrate with the configuration that reaches each), then run db:move again.`,
    );
  }
  const sourceTables = new Set(await existingTables(source, tables));
  if (tables.some((t) => !sourceTables.has(t))) {
    throw new MoveRefused(
      `the source ${labels.source} lacks tables of the ${role} role: ${tables.filter((t) => !sourceTables.has(t)).join(', ')}`,
    );
  }
  const targetHistory = (await readHistory(target, role)) ?? [];
  const targetTables = await existingTables(target, tables);
  if (!targetHistory.length && targetTables.length) {
    throw new MoveRefused(
      `the target ${labels.target} holds tables of the ${role} role (${targetTables.join(', ')}) but no ${role} migration history: not a fourfold schema`,
    );
  }
  if (targetHistory.length && !sameList(targetHistory, code)) {
    throw new MoveRefused(
      `migrations differ: ${describeDifference(`the target ${labels.target}`, targetHistory, code)}. ` +
        `Run npm run db:migrate against the target first, then db:move again.`,
    );
  }
  const [{ locked }] = await target.query(`SELECT pg_try_advisory_lock(hashtext('fourfold:move'), hashtext($1)) AS locked`, [role]);
  if (!locked) throw new MoveRefused(`another db:move of the ${role} role into ${labels.target} is running`);
  return { targetFresh: targetHistory.length === 0 };
}
