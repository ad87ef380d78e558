import { DataSource } from 'typeorm';
import { SecretBox } from '../common/secret-box';
import { describeError } from '../common/pg-errors';
import { CORE_SEALED_COLUMNS, SealedColumn } from '../core/sealed-columns';
import { REGISTRY_RESOURCES } from '../registry/registry-resource';
import { RegistrySecrets } from '../registry/registry-secrets';

const BATCH = 500;

export interface RotationReport {
  /** Key now sealing every secret. */
  keyId: string;
  /** Values sealed again (older key, or stored in clear before a key was configured). */
  resealed: number;
  /** Rows whose secrets were all sealed with the active key already. */
  current: number;
  /** `table id: reason` of values that could not be opened (a key missing from SECRET_KEYS_PREVIOUS, or altered). */
  failed: string[];
}

/**
 * `npm run cli -- secrets rotate`: every registry secret, and every sealed column of core
 * outside the registry (upstream OAuth, SSO), sealed with SECRET_KEY. Values sealed
 * with a key of SECRET_KEYS_PREVIOUS, or stored in clear, are sealed again; rows are taken in
 * batches, each in a transaction that locks its rows (a concurrent update waits, none is lost).
 * Once it reports no failure, the previous keys can be dropped from the configuration.
 */
export async function rotateSecrets(core: DataSource, box: SecretBox): Promise<RotationReport> {
  if (!box.activeKeyId) throw new Error('SECRET_KEY is not set: there is no key to rotate to');
  const secrets = new RegistrySecrets(box);
  const report: RotationReport = { keyId: box.activeKeyId, resealed: 0, current: 0, failed: [] };
  for (const resource of REGISTRY_RESOURCES) {
    const columns = [...resource.secrets, ...(resource.nestedSecrets ?? [])];
    if (columns.length === 0) continue;
    const metadata = core.getMetadata(resource.entity);
    const table = metadata.tableName;
    const isJson = (column: string) => metadata.columns.find((c) => c.databaseName === column)?.type === 'jsonb';
    const list = columns.map((c) => `"${c}"`).join(', ');
    const any = columns.map((c) => `"${c}" IS NOT NULL`).join(' OR ');
    let after = '';
    for (;;) {
      const rows: Array<Record<string, unknown> & { id: string }> = await core.transaction(async (tx) => {
        const batch: Array<Record<string, unknown> & { id: string }> = await tx.query(
          `SELECT id, ${list} FROM "${table}" WHERE id > $1 AND (${any}) ORDER BY id LIMIT ${BATCH} FOR UPDATE`,
          [after],
        );
        for (const row of batch) {
          let changes: Record<string, unknown> | null;
          try {
            changes = secrets.reseal(resource, table, row.id, row);
          } catch (error) {
            report.failed.push(`${table} ${row.id}: ${describeError(error)}`);
            continue;
          }
          if (!changes) {
            report.current++;
            continue;
          }
          const set = Object.keys(changes);
          await tx.query(
            `UPDATE "${table}" SET ${set.map((c, i) => `"${c}" = $${i + 2}${isJson(c) ? '::jsonb' : ''}`).join(', ')} WHERE id = $1`,
            [row.id, ...set.map((c) => (isJson(c) ? JSON.stringify(changes![c]) : changes![c]))],
          );
          report.resealed += set.length;
        }
        return batch;
      });
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1].id;
    }
  }
  for (const sealed of CORE_SEALED_COLUMNS) await rotateColumn(core, box, sealed, report);
  return report;
}

/** One sealed column of core outside the registry (src/core/sealed-columns.ts), batch by batch, rows locked. */
async function rotateColumn(core: DataSource, box: SecretBox, sealed: SealedColumn, report: RotationReport): Promise<void> {
  const columns = ['id', ...sealed.uses, sealed.column].map((c) => `"${c}"`).join(', ');
  let after = '';
  for (;;) {
    const rows: Array<Record<string, string>> = await core.transaction(async (tx) => {
      const batch: Array<Record<string, string>> = await tx.query(
        `SELECT ${columns} FROM "${sealed.table}" WHERE id > $1 AND "${sealed.column}" IS NOT NULL ORDER BY id LIMIT ${BATCH} FOR UPDATE`,
        [after],
      );
      for (const row of batch) {
        const value = row[sealed.column];
        if (box.isCurrent(value)) {
          report.current++;
          continue;
        }
        const place = sealed.place(row);
        try {
          await tx.query(`UPDATE "${sealed.table}" SET "${sealed.column}" = $2 WHERE id = $1`, [
            row.id,
            box.seal(box.open(value, place), place),
          ]);
          report.resealed++;
        } catch (error) {
          report.failed.push(`${sealed.table} ${row.id}: ${describeError(error)}`);
        }
      }
      return batch;
    });
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1].id;
  }
}
