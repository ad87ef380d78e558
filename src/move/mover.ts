import { PartitionSettings } from '../config/settings';
import { DAY_MS } from '../common/time';
import { describeUrl, PhysicalDatabase, addressOf } from '../database/database-topology';
import { migrateDatabase } from '../database/migration-runner';
import { RoleRegistry } from '../database/role-definition';
import { OptionalRole } from '../database/roles';
import { existingTables, fingerprint, listUnits, MoveUnit, Partitioning, readShapes, roleTableNames, TableShape } from './move-catalog';
import { MoveRefused, preflight } from './move-preflight';
import { MoveProgress, TablePlan } from './move-progress';
import { MoveSession, openSession } from './move-session';
import { DerivedTables } from './derived-tables';
import { dropRoleTables } from './drop-source';
import { RangeBusy, UnitCopier } from './unit-copier';
import { Comparison, UnitComparer } from './unit-compare';
import { VerifyRow, verifyRow } from './verify-report';

export interface MoveOptions {
  role: OptionalRole;
  sourceUrl: string;
  targetUrl: string;
  registry: RoleRegistry;
  partitions: PartitionSettings;
  connectTimeoutMs: number;
  /** How long a target statement waits for a lock held by live traffic. */
  lockTimeoutMs: number;
  progress: MoveProgress;
  now?: () => Date;
}

type Step =
  | { unit: MoveUnit; action: 'copy' }
  | { unit: MoveUnit; action: 'skip'; rows: number }
  | { unit: MoveUnit; action: 'merge'; fetchKeys: string };

export const unitLabel = (unit: MoveUnit) => unit.relation;

/**
 * Moves one role's rows from the database that holds them to another, unit by unit (a
 * table, or one partition of a partitioned table, oldest first), each unit in one target
 * transaction. Reads on the source share one snapshot, so foreign keys between the role's
 * tables hold on the target. See docs/operations.md "Operating fourfold" for the cut-over.
 */
export class RoleMover {
  private readonly labels: { source: string; target: string };
  private readonly tables: string[];
  private readonly partitioned: Map<string, Partitioning>;
  private readonly now: () => Date;
  private readonly derived: DerivedTables;

  private constructor(
    private readonly options: MoveOptions,
    private readonly source: MoveSession,
    private readonly target: MoveSession,
  ) {
    this.labels = { source: describeUrl(options.sourceUrl), target: describeUrl(options.targetUrl) };
    this.tables = roleTableNames(options.registry, options.role);
    this.partitioned = new Map(
      options.registry[options.role].partitionedTables.map((spec) => [
        spec.table,
        { spec, retentionDays: options.partitions.groups[spec.group].retentionDays },
      ]),
    );
    this.now = options.now ?? (() => new Date());
    this.derived = new DerivedTables(source, target, options.registry[options.role].derivedTables ?? []);
  }

  static async open(options: MoveOptions): Promise<RoleMover> {
    const source = await openSession(options.sourceUrl, options.connectTimeoutMs);
    try {
      const target = await openSession(options.targetUrl, options.connectTimeoutMs);
      return new RoleMover(options, source, target);
    } catch (error) {
      await source.close();
      throw error;
    }
  }

  get sourceLabel(): string {
    return this.labels.source;
  }

  get targetLabel(): string {
    return this.labels.target;
  }

  async close(): Promise<void> {
    await Promise.all([this.source.close(), this.target.close()]);
  }

  /** Copies what the target lacks. Throws MoveRefused (nothing written) when the move must not happen. */
  async copy(): Promise<{ rows: number; durationMs: number }> {
    const started = Date.now();
    const { role, progress } = this.options;
    const { targetFresh } = await preflight(this.source, this.target, this.options.registry, role, this.labels, this.tables);
    await this.source.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    try {
      // Derived tables are not copied: each unit of the table they come from derives them again.
      const all = await listUnits(this.source, await this.shapes());
      const units = all.filter((u) => !this.derived.isDerived(u.shape.table));
      const steps = await this.plan(units, targetFresh);
      if (targetFresh) {
        const applied = await migrateDatabase(this.targetDatabase(), this.options.registry, [role]);
        progress.note(`migrated ${this.labels.target} for ${role}: ${applied.applied.join(', ') || 'up to date'}`);
      }
      progress.start({ role, source: this.labels.source, target: this.labels.target, tables: this.tablePlans(units) });
      for (const d of this.options.registry[role].derivedTables ?? []) {
        progress.note(`${d.table} is not copied: the target derives it from each unit of ${d.from} it receives`);
      }
      const copier = new UnitCopier(this.source, this.target, {
        lockTimeoutMs: this.options.lockTimeoutMs,
        onRows: (unit, n) => progress.rows(unit.shape.table, n),
        afterWrite: (unit, written) => this.derived.rebuild(unit, written),
      });
      let rows = 0;
      for (const step of steps) rows += await this.run(step, copier);
      if (!targetFresh) await this.repairDerived(all.filter((u) => this.derived.isDerived(u.shape.table) && !this.expired(u)));
      await this.source.query('COMMIT');
      const durationMs = Date.now() - started;
      progress.finish({ rows, durationMs });
      return { rows, durationMs };
    } catch (error) {
      await this.source.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /**
   * Compares every unit (expired partitions excepted: retention may already have dropped them
   * on either side). `locked`: the caller holds the source in a transaction already.
   */
  async verify(options: { locked?: boolean } = {}): Promise<VerifyRow[]> {
    if (!options.locked && (await fingerprint(this.source)) === (await fingerprint(this.target))) {
      throw new MoveRefused(
        `source and target are the same database (${this.labels.source} and ${this.labels.target}): nothing to compare`,
      );
    }
    const targetTables = await existingTables(this.target, this.tables);
    const missing = this.tables.filter((t) => !targetTables.includes(t));
    if (missing.length) throw new MoveRefused(`the target ${this.labels.target} has no ${missing.join(', ')}: nothing to compare with`);
    if (!options.locked) await this.source.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    try {
      const comparer = new UnitComparer(this.source, this.target);
      const rows: VerifyRow[] = [];
      for (const unit of await listUnits(this.source, await this.shapes())) {
        if (this.expired(unit)) continue;
        const comparison = this.derived.isDerived(unit.shape.table)
          ? await this.derived.compare(unit)
          : await comparer.compare(unit, { keepFetchKeys: false });
        const row = verifyRow(unit, comparison);
        this.options.progress.record('verify', { ...row });
        rows.push(row);
      }
      if (!options.locked) await this.source.query('COMMIT');
      return rows;
    } catch (error) {
      if (!options.locked) await this.source.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Verifies with the source's tables locked against writes, and drops them only when every unit matches. */
  async dropSource(): Promise<{ dropped: string[] } | { mismatches: VerifyRow[] }> {
    const { role, registry, lockTimeoutMs } = this.options;
    const shapes = await this.shapes();
    return dropRoleTables(this.source, { role, shapes, functions: registry[role].functions ?? [], lockTimeoutMs }, () =>
      this.verify({ locked: true }),
    );
  }

  private async shapes(): Promise<TableShape[]> {
    return readShapes(this.source, this.tables, this.partitioned);
  }

  private expired(unit: MoveUnit): boolean {
    const retention = unit.shape.partitioning?.retentionDays;
    if (unit.kind !== 'partition' || !unit.range || !retention) return false;
    return unit.range.to.getTime() <= this.now().getTime() - retention * DAY_MS;
  }

  /** Decides each unit before the first write: a conflict anywhere refuses the whole move. */
  private async plan(units: MoveUnit[], targetFresh: boolean): Promise<Step[]> {
    if (targetFresh) return units.map((unit) => ({ unit, action: 'copy' as const }));
    const comparer = new UnitComparer(this.source, this.target);
    const steps: Step[] = [];
    const conflicts: string[] = [];
    for (const unit of units) {
      if (unit.kind !== 'default' && !(await comparer.targetHasRows(unit))) {
        steps.push({ unit, action: 'copy' });
        continue;
      }
      const comparison = await comparer.compare(unit, { keepFetchKeys: true });
      if (comparison.rows?.different) {
        conflicts.push(`${unitLabel(unit)}: ${comparison.rows.different} row(s), e.g. ${comparison.rows.examples.join(', ')}`);
      }
      steps.push(this.stepOf(unit, comparison));
    }
    if (conflicts.length) {
      throw new MoveRefused(
        `the target ${this.labels.target} holds different rows under the same ids, so it is not a copy of this source:\n  ${conflicts.join('\n  ')}`,
      );
    }
    return steps;
  }

  /** Derives again what the target holds of the derived tables and no unit rewrote this time, where it does not match. */
  private async repairDerived(units: MoveUnit[]): Promise<void> {
    for (const unit of units) {
      const rows = await this.derived.repair(unit, this.options.lockTimeoutMs);
      if (rows) this.options.progress.record('rebuilt', { table: unit.shape.table, unit: unitLabel(unit), rows });
    }
  }

  private stepOf(unit: MoveUnit, comparison: Comparison): Step {
    if (comparison.fetchKeys) return { unit, action: 'merge', fetchKeys: comparison.fetchKeys };
    return { unit, action: 'skip', rows: comparison.source.rows };
  }

  private async run(step: Step, copier: UnitCopier): Promise<number> {
    const { progress } = this.options;
    const started = Date.now();
    const base = { table: step.unit.shape.table, unit: unitLabel(step.unit), estimatedRows: step.unit.estimatedRows };
    if (step.action === 'skip') {
      progress.unit({ ...base, action: 'skipped', rows: step.rows, durationMs: 0 });
      return 0;
    }
    if (step.action === 'merge') {
      const { rows, derived } = await copier.fetchInto(step.unit, step.fetchKeys);
      progress.unit({ ...base, action: 'merged', rows, derived, durationMs: Date.now() - started });
      return rows;
    }
    try {
      const { rows, route, derived } = await copier.copyWhole(step.unit);
      progress.unit({ ...base, action: 'copied', rows, route, derived, durationMs: Date.now() - started });
      return rows;
    } catch (error) {
      if (!(error instanceof RangeBusy)) throw error;
      // The live service wrote into this range meanwhile: fetch what the target lacks instead.
      const comparison = await new UnitComparer(this.source, this.target).compare(step.unit, { keepFetchKeys: true });
      if (comparison.rows?.different) throw new MoveRefused(`${unitLabel(step.unit)}: the target holds different rows under the same ids`);
      const { rows, derived } = comparison.fetchKeys ? await copier.fetchInto(step.unit, comparison.fetchKeys) : { rows: 0, derived: {} };
      progress.unit({ ...base, action: 'merged', rows, derived, durationMs: Date.now() - started });
      return rows;
    }
  }

  private tablePlans(units: MoveUnit[]): TablePlan[] {
    const plans = new Map<string, TablePlan>();
    for (const u of units) {
      const p = plans.get(u.shape.table) ?? { table: u.shape.table, units: 0, estimatedRows: 0 };
      p.units++;
      p.estimatedRows += u.estimatedRows;
      plans.set(u.shape.table, p);
    }
    return [...plans.values()];
  }

  private targetDatabase(): PhysicalDatabase {
    const a = addressOf(this.options.targetUrl);
    return {
      name: this.options.role,
      url: this.options.targetUrl,
      roles: [this.options.role],
      label: this.labels.target,
      host: a.host,
      port: a.port,
      database: a.database,
    };
  }
}
