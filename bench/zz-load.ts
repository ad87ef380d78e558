import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { migrateAll } from '../test/support/partitions';
import { PartitionMaintainer } from '../src/partitioning/partition-maintainer';
import { PARTITIONED_TABLES } from '../src/role-registry';
import { settingsFromEnv } from '../src/config/settings';
import { parseEnv } from '../src/config/configuration';
const HOUR = 3600_000;
async function main() {
  const url = process.argv[2];
  const rows = Number(process.argv[3]);
  await migrateAll(url);
  const ds = await new DataSource({ type: 'postgres', url }).initialize();
  const spec = PARTITIONED_TABLES.filter((t) => t.table === 'tool_metrics');
  const m = new PartitionMaintainer({ metrics: ds }, settingsFromEnv(parseEnv({})).partitions, () => new Date(), console, spec);
  await m.run(['metrics']);
  const nowHour = new Date(Math.floor(Date.now() / HOUR) * HOUR);
  await m.ensure(spec[0], new Date(nowHour.getTime() - 721 * HOUR), new Date());
  await ds.destroy();
  const c = new Client({ connectionString: url });
  await c.connect();
  const per = Math.round(rows / 720);
  for (let h = nowHour.getTime() - 720 * HOUR; h < nowHour.getTime(); h += HOUR) {
    await c.query(
      `INSERT INTO tool_metrics (id, tool_id, tool_name, "timestamp", response_time, is_success)
      SELECT gen_random_uuid(), 'tool-' || lpad((g % 50)::text, 4, '0'), 'Tool ' || (g % 50), $1::timestamptz + (g::float8 / $2) * interval '1 hour', (0.04 + (g % 10) * 0.015) * exp(0.8 * random_normal()), random() > 0.05 FROM generate_series(0, $2 - 1) g`,
      [new Date(h), per],
    );
  }
  await c.query('VACUUM ANALYZE tool_metrics');
  await c.end();
}
main();
