import { Client } from 'pg';
import { METRIC_TABLES } from '../src/metrics/metric-tables';
import { rollupHoursSql } from '../src/metrics/rollup/rollup-sql';
async function main() {
  const c = new Client({ connectionString: process.argv[2] });
  await c.connect();
  const t = METRIC_TABLES.tool;
  const hours = (
    await c.query(`SELECT DISTINCT hour_start FROM tool_metrics_hourly WHERE period='hour' ORDER BY 1 LIMIT 24 OFFSET 300`)
  ).rows.map((r: any) => r.hour_start);
  await c.query('BEGIN');
  await c.query(`SET LOCAL work_mem = '64MB'`);
  const r = await c.query('EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) ' + rollupHoursSql(t), [hours]);
  console.log(
    r.rows
      .map((x: any) => x['QUERY PLAN'])
      .filter(
        (l: string) =>
          !/never executed|Filter:|Index Cond|Recheck|Index Searches|Heap Blocks|Buffers|Seq Scan on tool_metrics_p|Bitmap/.test(l),
      )
      .join('\n'),
  );
  await c.query('ROLLBACK');
  await c.end();
}
main();
