import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Free-text trace search (`q=`): a GIN index over the words of each span's name and of its
 * attributes' string and number values, PostgreSQL's own full text search (no extension).
 * An expression index rather than a stored column: nothing is rewritten, ingest writes no
 * extra bytes, and the `simple` configuration (lower case, no stemming, no stop words) keeps
 * identifiers such as tool names and error codes searchable as they are written. The query
 * must use the same expression (SPAN_TEXT_EXPR in src/observability/query/trace-search.ts).
 */
export class ObservabilitySpanTextSearch1796100000001 implements MigrationInterface {
  name = 'ObservabilitySpanTextSearch1796100000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "ix_observability_spans_text" ON "observability_spans" USING gin
         ((to_tsvector('simple'::regconfig, "name") || jsonb_to_tsvector('simple'::regconfig, coalesce("attributes", '{}'::jsonb), '["string", "numeric"]'::jsonb)))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "ix_observability_spans_text"`);
  }
}
