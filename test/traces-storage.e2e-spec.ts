import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PartitionMaintainer } from '../src/partitioning/partition-maintainer';
import { OBSERVABILITY_ROLE } from '../src/observability/observability.role';
import { migrateAll, openDataSource, RecordingLogger, settings } from './support/partitions';
import { createDatabase, dropDatabase } from './support/postgres';

/**
 * The per-trace summary rows kept by the spans trigger, and retention of the partitioned
 * observability tables, straight against PostgreSQL.
 */
interface Span {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  start_time: string;
  end_time: string;
  status: string;
  service: string;
  input_tokens: number | null;
  output_tokens: number | null;
  model: string | null;
}

const COLUMNS = [
  'trace_id',
  'span_id',
  'parent_span_id',
  'name',
  'start_time',
  'end_time',
  'status',
  'service',
  'input_tokens',
  'output_tokens',
  'model',
] as const;

/**
 * One INSERT … ON CONFLICT DO NOTHING of a batch in primary-key order, as the writer's replay path
 * does (in another order, two batches sharing spans could deadlock on each other's keys).
 */
async function insert(db: { query(sql: string, params: unknown[]): Promise<unknown> }, batch: Span[]): Promise<void> {
  const key = (s: Span) => `${s.trace_id} ${s.span_id} ${s.start_time}`;
  const spans = [...batch].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  if (!spans.length) return;
  const params: unknown[] = [];
  const values = spans.map((s) => `(${COLUMNS.map((c) => `$${params.push(s[c])}`).join(', ')})`);
  await db.query(`INSERT INTO observability_spans (${COLUMNS.join(', ')}) VALUES ${values.join(', ')} ON CONFLICT DO NOTHING`, params);
}

const SUMMARY = `SELECT trace_id, start_time, end_time, duration_ms, name, root_span_id, root_service, status, span_count, error_count,
  services, models, input_tokens, output_tokens, total_tokens FROM observability_traces ORDER BY trace_id`;

/** A deterministic pseudo-random generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function makeSpans(rand: () => number, base: number): Span[] {
  const spans: Span[] = [];
  for (let t = 0; t < 6; t++) {
    const trace = `${t}`.padStart(32, 'a');
    const root = `${t}`.padStart(16, 'r');
    const n = 2 + Math.floor(rand() * 6);
    for (let i = 0; i < n; i++) {
      const start = base + t * 60_000 + (i === 0 ? 0 : 1 + Math.floor(rand() * 5000));
      spans.push({
        trace_id: trace,
        span_id: i === 0 ? root : `${t}-${i}`.padStart(16, 'c'),
        parent_span_id: i === 0 ? null : root,
        name: i === 0 ? `root ${t}` : `op ${i % 3}`,
        start_time: new Date(start).toISOString(),
        end_time: new Date(start + (i === 0 ? 10_000 : Math.floor(rand() * 3000))).toISOString(),
        status: rand() < 0.2 ? 'error' : i === 0 ? 'ok' : 'unset',
        service: `svc-${i % 3}`,
        input_tokens: rand() < 0.5 ? Math.floor(rand() * 100) : null,
        output_tokens: rand() < 0.5 ? Math.floor(rand() * 100) : null,
        model: rand() < 0.3 ? `model-${i % 2}` : null,
      });
    }
  }
  return spans;
}

function shuffle<T>(rand: () => number, list: T[]): T[] {
  const out = list.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('trace summaries and observability retention', () => {
  let url: string;
  let ds: DataSource;

  beforeAll(async () => {
    url = await createDatabase('trstore');
    await migrateAll(url);
    ds = await openDataSource(url, 6);
  });

  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(url);
  });

  const reset = () => ds.query('TRUNCATE observability_spans, observability_traces, observability_events');

  it('gives the same summary rows whatever the order, batching, duplicates and concurrency of the spans', async () => {
    const rand = random(42);
    const spans = makeSpans(rand, Date.now() - 3_600_000);
    await reset();
    await insert(ds, spans);
    const expected = await ds.query(SUMMARY);
    expect(expected).toHaveLength(6);
    expect(expected.every((r: { name: string | null }) => r.name !== null)).toBe(true);

    for (let round = 0; round < 8; round++) {
      await reset();
      // Shuffled, cut into random batches, a third of the spans sent twice, over 3 connections at once.
      const withDuplicates = shuffle(rand, [...spans, ...spans.filter(() => rand() < 0.33)]);
      const batches: Span[][] = [];
      for (let i = 0; i < withDuplicates.length;) {
        const size = 1 + Math.floor(rand() * 7);
        batches.push(withDuplicates.slice(i, i + size));
        i += size;
      }
      const clients = await Promise.all(
        [0, 1, 2].map(async () => {
          const c = new Client({ connectionString: url });
          await c.connect();
          return c;
        }),
      );
      try {
        await Promise.all(
          clients.map(async (c, k) => {
            for (let b = k; b < batches.length; b += clients.length) await insert(c, batches[b]);
          }),
        );
      } finally {
        await Promise.all(clients.map((c) => c.end()));
      }
      expect(await ds.query(SUMMARY)).toEqual(expected);
    }
    const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM observability_spans');
    expect(n).toBe(spans.length);
  });

  it('keeps, through the spans trigger, exactly the summaries the summary function computes from the stored spans, whatever the batching', async () => {
    // The trigger merges each statement's spans from its transition table; db:move and rebuilds
    // use observability_summarize_spans: one definition, so the stored rows must equal the recomputed ones.
    const rand = random(11);
    const spans = [
      ...makeSpans(rand, Date.now() - 7_200_000),
      ...makeSpans(random(12), Date.now() - 3_600_000).map((s) => ({ ...s, trace_id: s.trace_id.replace(/^a/, 'b') })),
    ];
    const columns = `trace_id, start_time, end_time, duration_ms, name, root_span_id, root_service, status, status_message, http_method,
      http_url, http_status_code, attributes, resource_attributes, span_count, error_count, services, models, input_tokens, output_tokens,
      total_tokens, operation, root_remote`;
    for (const batchSize of [spans.length, 1, 3]) {
      await reset();
      const shuffled = shuffle(rand, [...spans, ...spans.slice(0, 5)]);
      for (let i = 0; i < shuffled.length; i += batchSize) await insert(ds, shuffled.slice(i, i + batchSize));
      const stored = await ds.query(`SELECT ${columns} FROM observability_traces ORDER BY trace_id`);
      const recomputed = await ds.query(
        `SELECT ${columns} FROM observability_recompute_trace_summaries(ARRAY(SELECT DISTINCT trace_id FROM observability_spans)::text[]) ORDER BY trace_id`,
      );
      expect(stored).toHaveLength(12);
      expect(stored).toEqual(recomputed);
    }
  });

  it('drops expired partitions of every observability table; rows moved out of the DEFAULT partition are not counted twice', async () => {
    await reset();
    const config = settings();
    const clock = { now: new Date('2031-03-10T12:00:00Z') };
    const maintainer = new PartitionMaintainer(
      { observability: ds },
      config,
      () => clock.now,
      new RecordingLogger(),
      OBSERVABILITY_ROLE.partitionedTables,
    );
    expect((await maintainer.run()).ok).toBe(true);

    const old = makeSpans(random(7), Date.parse('2031-03-10T08:00:00Z'));
    await insert(ds, old);
    const events = (spans: Span[]) =>
      ds.query(
        `INSERT INTO observability_events (id, "timestamp", trace_id, span_id, name) SELECT gen_random_uuid(), s.start_time, s.trace_id, s.span_id, 'e'
           FROM observability_spans s WHERE s.trace_id = ANY($1)`,
        [spans.map((s) => s.trace_id)],
      );
    await events(old);
    // A trace from far ahead waits in the DEFAULT partitions.
    const ahead = makeSpans(random(8), Date.parse('2031-03-30T08:00:00Z')).map((s) => ({ ...s, trace_id: s.trace_id.replace(/^a/, 'f') }));
    await insert(ds, ahead);
    const count = async (table: string, where = 'true') =>
      (await ds.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`))[0].n as number;
    expect(await count('observability_spans_default')).toBe(ahead.length);
    const aheadSummary = await ds.query(`${SUMMARY.replace('ORDER BY', "WHERE trace_id LIKE 'f%' ORDER BY")}`);

    clock.now = new Date('2031-03-30T12:00:00Z');
    const run = await maintainer.run();
    expect(run.ok).toBe(true);
    for (const table of ['observability_traces', 'observability_spans', 'observability_events']) {
      expect(run.tables.find((t) => t.table === table)!.dropped).toBeGreaterThan(0);
    }
    expect(await count('observability_spans', `trace_id LIKE 'a%'`)).toBe(0);
    expect(await count('observability_traces', `trace_id LIKE 'a%'`)).toBe(0);
    expect(await count('observability_events')).toBe(0);
    // Moved out of DEFAULT into their own partition, the same rows, the same summary.
    expect(await count('observability_spans_default')).toBe(0);
    expect(await count('observability_traces_default')).toBe(0);
    expect(await count('observability_spans')).toBe(ahead.length);
    expect(await ds.query(`${SUMMARY.replace('ORDER BY', "WHERE trace_id LIKE 'f%' ORDER BY")}`)).toEqual(aheadSummary);
  });
});
