import { formatOutcome, parseOutcome, toStored, worthKeeping } from './outcome-store';
import { TableOutcome } from './partition-maintainer';

const outcome = (over: Partial<TableOutcome> = {}): TableOutcome => ({
  table: 'tool_metrics',
  role: 'metrics',
  startedAt: new Date('2026-03-01T10:00:00Z'),
  durationMs: 12,
  status: 'ok',
  created: 2,
  moved: 5,
  purged: 0,
  dropped: 1,
  ...over,
});

describe('maintenance outcomes kept in a table comment', () => {
  it('round-trip through the comment text', () => {
    const stored = toStored(outcome(), 'pod-a/17', null);
    expect(parseOutcome(formatOutcome(stored))).toEqual(stored);
    expect(stored).toMatchObject({
      at: '2026-03-01T10:00:00.000Z',
      by: 'pod-a/17',
      created: 2,
      dropped: 1,
      last_ok_at: '2026-03-01T10:00:00.000Z',
    });
  });

  it('a failure keeps the time of the last success', () => {
    const ok = toStored(outcome(), 'pod-a/17', null);
    const failed = toStored(
      outcome({ status: 'failed', error: 'x'.repeat(900), startedAt: new Date('2026-03-01T11:00:00Z') }),
      'pod-b/3',
      ok,
    );
    expect(failed).toMatchObject({ status: 'failed', by: 'pod-b/3', last_ok_at: ok.at });
    expect(failed.error).toHaveLength(500);
  });

  it('ignores comments that are not outcomes, or are damaged', () => {
    expect(parseOutcome(null)).toBeNull();
    expect(parseOutcome('written by hand')).toBeNull();
    expect(parseOutcome('fourfold:maintenance {not json')).toBeNull();
    expect(parseOutcome('fourfold:maintenance {"a":1}')).toBeNull();
  });

  it('a replica that found the table busy with another records nothing; one that gave way to traffic does', () => {
    expect(worthKeeping(outcome({ status: 'skipped', reason: 'another process is maintaining this table' }))).toBe(false);
    expect(worthKeeping(outcome({ status: 'skipped', reason: 'gave way to traffic: …' }))).toBe(true);
    expect(worthKeeping(outcome({ status: 'failed', error: 'boom' }))).toBe(true);
  });
});
