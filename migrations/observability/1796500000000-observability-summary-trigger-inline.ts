import { MigrationInterface, QueryRunner } from 'typeorm';
import { ARRAY_MERGE_TRIGGER } from './1795600000000-observability-trace-summary-functions';
import { mergeStatements, summarizeSelect } from './1796070000000-observability-span-fidelity';

/**
 * The spans trigger merges a statement's spans into the trace summaries straight from its
 * transition table, instead of first copying every inserted span, attributes and all, into one
 * array for `observability_merge_spans` (which unnests it twice). Same statements, same
 * definition of a summary (summarizeSelect, mergeStatements of 1796070000000, which
 * `observability_summarize_spans` and `observability_merge_spans` are built from too, for
 * db:move and rebuilds), so the same rows whatever the order, batching, duplication or
 * concurrency of arrival. Measured with bench:otlp (BENCHMARKS.md): a COPY of all rows in one
 * statement went from 0.62-0.78 of a bare COPY to 0.88-1.06; with the writer's 5,000-row
 * statements the difference is within the machine's noise.
 */
export class ObservabilitySummaryTriggerInline1796500000000 implements MigrationInterface {
  name = 'ObservabilitySummaryTriggerInline1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "observability_merge_trace_summaries"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  traces bigint;
BEGIN
  IF current_setting('fourfold.moving', true) = 'on' THEN
    RETURN NULL;
  END IF;
  ${mergeStatements('new_spans', summarizeSelect('new_spans'))}
  RETURN NULL;
END
$fn$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(ARRAY_MERGE_TRIGGER);
  }
}
