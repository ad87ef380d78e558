import { executionId, IngestLimits, MAX_ERROR_MESSAGE, validateExecutionBatch } from './execution-batch';

const now = new Date('2026-03-01T12:00:00Z');
const good = { entity_type: 'tool', entity_id: 't1', response_time: 0.25, is_success: true };
const limits: IngestLimits = { maxBatch: 10, retentionDays: 90, maxResponseTimeSeconds: 3600 };

describe('validateExecutionBatch', () => {
  it('accepts a valid batch, defaulting the timestamp to now and interaction_type to invoke', () => {
    const result = validateExecutionBatch(
      [
        good,
        {
          ...good,
          entity_type: 'a2a_agent',
          timestamp: '2026-03-01T11:00:00+01:00',
          is_success: false,
          error_message: 'boom',
          interaction_type: 'stream',
        },
      ],
      limits,
      now,
    );
    expect(result).toEqual({
      ok: true,
      items: [
        {
          entityType: 'tool',
          entityId: 't1',
          timestamp: now,
          responseTime: 0.25,
          isSuccess: true,
          errorMessage: null,
          errorType: null,
          interactionType: 'invoke',
        },
        {
          entityType: 'a2a_agent',
          entityId: 't1',
          timestamp: new Date('2026-03-01T10:00:00Z'),
          responseTime: 0.25,
          isSuccess: false,
          errorMessage: 'boom',
          errorType: null,
          interactionType: 'stream',
        },
      ],
    });
  });

  it('names each bad item by index and field', () => {
    const result = validateExecutionBatch(
      [
        good,
        { ...good, entity_type: 'gateway' },
        { ...good, response_time: -1, is_success: 'yes' },
        { ...good, response_time: '0.2' },
        { entity_type: 'tool', entity_id: '' },
        { ...good, timestamp: 'yesterday' },
        { ...good, timestamp: '2026-03-01T14:00:00Z' },
        42,
      ],
      limits,
      now,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(400);
    expect(result.message).toBe('7 of 8 executions are invalid; nothing was written');
    expect(result.errors.map((e) => [e.index, e.field])).toEqual([
      [1, 'entity_type'],
      [2, 'response_time'],
      [2, 'is_success'],
      [3, 'response_time'],
      [4, 'entity_id'],
      [4, 'response_time'],
      [4, 'is_success'],
      [5, 'timestamp'],
      [6, 'timestamp'],
      [7, '(item)'],
    ]);
    expect(result.errors[0].reason).toMatch(/must be one of tool, server, resource, prompt, a2a_agent/);
    expect(result.errors[1].reason).toBe('must not be negative');
    expect(result.errors[3].reason).toBe('must be a number (seconds)');
    expect(result.errors[5].reason).toBe('is required (seconds)');
    expect(result.errors[9].reason).toBe('must be an object');
  });

  it('refuses a body that is not an array, an empty batch, and an oversized batch (413)', () => {
    expect(validateExecutionBatch({ a: 1 }, limits, now)).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringContaining('JSON array'),
    });
    expect(validateExecutionBatch([], limits, now)).toMatchObject({ ok: false, status: 400, message: 'the batch is empty' });
    expect(validateExecutionBatch(Array(11).fill(good), limits, now)).toMatchObject({
      ok: false,
      status: 413,
      message: expect.stringContaining('at most 10'),
    });
  });

  it('takes error_type, and trace_id with span_id as the id of the execution that span describes', () => {
    const trace = '0AF7651916CD43DD8448EB211C80319C';
    const result = validateExecutionBatch(
      [{ ...good, error_type: 'tool_error', trace_id: trace, span_id: 'b7ad6b7169203331' }],
      limits,
      now,
    );
    expect(result.ok && result.items[0]).toMatchObject({
      errorType: 'tool_error',
      id: executionId(trace.toLowerCase(), 'b7ad6b7169203331', 'tool'),
    });
    const bad = validateExecutionBatch(
      [
        { ...good, trace_id: trace },
        { ...good, trace_id: 'xyz', span_id: 'b7ad6b7169203331' },
        { ...good, error_type: 7 },
      ],
      limits,
      now,
    );
    expect(!bad.ok && bad.errors.map((e) => [e.index, e.field])).toEqual([
      [0, 'span_id'],
      [1, 'trace_id'],
      [2, 'error_type'],
    ]);
  });

  it('cuts very long error messages instead of refusing the batch', () => {
    const result = validateExecutionBatch([{ ...good, error_message: 'x'.repeat(MAX_ERROR_MESSAGE + 10) }], limits, now);
    expect(result.ok && result.items[0].errorMessage!.length).toBe(MAX_ERROR_MESSAGE);
  });

  it('bounds timestamps to the retention window and a few minutes ahead, and response times to the configured maximum', () => {
    const result = validateExecutionBatch(
      [
        { ...good, timestamp: '2026-03-01T12:04:59Z', response_time: 3600 },
        { ...good, timestamp: '2026-03-01T12:05:01Z' },
        { ...good, timestamp: '0001-01-01T00:00:00Z' },
        { ...good, timestamp: '2025-12-01T11:59:59Z' },
        { ...good, timestamp: '2026-02-30T00:00:00Z' },
        { ...good, response_time: 3600.5 },
        { ...good, response_time: 1e308 },
      ],
      limits,
      now,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.index, e.field, e.reason])).toEqual([
      [1, 'timestamp', 'must not be more than 5 minutes in the future'],
      [2, 'timestamp', 'must be within the last 90 days (METRICS_RETENTION_DAYS)'],
      [3, 'timestamp', 'must be within the last 90 days (METRICS_RETENTION_DAYS)'],
      [4, 'timestamp', expect.stringMatching(/ISO 8601/)],
      [5, 'response_time', 'must be at most 3600 seconds (METRICS_MAX_RESPONSE_TIME_SECONDS)'],
      [6, 'response_time', 'must be at most 3600 seconds (METRICS_MAX_RESPONSE_TIME_SECONDS)'],
    ]);
  });
});
