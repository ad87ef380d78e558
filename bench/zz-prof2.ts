import { Client } from 'pg';
import { METRIC_TABLES } from '../src/metrics/metric-tables';
import { pendingPeriodsSql, rollupHoursSql } from '../src/metrics/rollup/rollup-sql';
async function main() {
  const c = new Client({ connectionString: process.argv[2] });
  await c.connect();
  const t = METRIC_TABLES.tool;
  const T = async (label: string, f: () => Promise<unknown>) => {
    const s = performance.now();
    const r = await f();
    console.log(label, (performance.now() - s).toFixed(1), 'ms');
    return r;
  };
  await c.query(`UPDATE tool_metrics_hourly SET pending_changes = pending_changes + 1 WHERE period = 'hour'`);
  const pending = ((await T('pending', () => c.query(pendingPeriodsSql(t), ['hour', new Date()]))) as any).rows;
  const hours = pending.map((r: any) => r.hour_start);
  for (const size of [24]) {
    const s = performance.now();
    for (let i = 0; i < hours.length; i += size) {
      await c.query('BEGIN');
      await c.query(`SET LOCAL work_mem = '64MB'`);
      await c.query(rollupHoursSql(t), [hours.slice(i, i + size)]);
      await c.query('COMMIT');
    }
    console.log('chunk', size, (performance.now() - s).toFixed(0), 'ms');
  }
  const T0 = performance.now();
  await c.query(
    `SELECT tool_id, date_bin('1 hour', "timestamp", 'epoch'), count(*), count(*) FILTER (WHERE is_success), min(response_time), max(response_time), avg(response_time) FROM tool_metrics GROUP BY 1, 2`,
  );
  console.log('plain', (performance.now() - T0).toFixed(0));
  await c.end();
}
main();
