import { PLAIN_SPAN_FIELDS } from '../otlp/otlp-request';
import { eventId, genAiUsage, timestampOf, traceRows } from './span-rows';

describe('span rows', () => {
  it('writes timestamps with microseconds', () => {
    expect(timestampOf(1_893_456_000_123_456_789n)).toBe('2030-01-01T00:00:00.123456Z');
    expect(timestampOf(1_893_456_000_000_000_999n)).toBe('2030-01-01T00:00:00.000000Z');
    expect(timestampOf(1_893_456_000_000_007_000n)).toBe('2030-01-01T00:00:00.000007Z');
    expect(timestampOf(1_893_456_000_999_999_999n)).toBe('2030-01-01T00:00:00.999999Z');
    expect(timestampOf(1_000n)).toBe('1970-01-01T00:00:00.000001Z');
  });

  it('reads GenAI model and token usage, current and older attribute names', () => {
    expect(genAiUsage({ 'gen_ai.request.model': 'm', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': '4' })).toEqual({
      model: 'm',
      input: 10,
      output: 4,
    });
    expect(genAiUsage({ 'gen_ai.response.model': 'r', 'gen_ai.usage.prompt_tokens': 3, 'gen_ai.usage.completion_tokens': 2 })).toEqual({
      model: 'r',
      input: 3,
      output: 2,
    });
    expect(genAiUsage({ 'gen_ai.usage.input_tokens': -1, 'gen_ai.usage.output_tokens': 1.5 })).toEqual({
      model: null,
      input: null,
      output: null,
    });
  });

  it('gives a span event the same id every time it is sent', () => {
    const event = { name: 'exception', timeNanos: 1n, attributes: {} };
    const id = eventId('t', 's', 0, event);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventId('t', 's', 0, event)).toBe(id);
    expect(eventId('t', 's', 1, event)).not.toBe(id);
  });

  it('makes one span row and one row per event, exception fields pulled out', () => {
    const rows = traceRows([
      {
        traceId: 't'.repeat(32),
        spanId: 's'.repeat(16),
        parentSpanId: null,
        name: 'n',
        kind: 'server',
        startNanos: 1_893_456_000_000_000_000n,
        endNanos: 1_893_456_000_001_500_000n,
        status: 'error',
        statusMessage: 'x',
        service: 'gw',
        scopeName: null,
        attributes: {},
        resourceAttributes: { 'service.name': 'gw' },
        events: [
          { name: 'exception', timeNanos: 1_893_456_000_001_000_000n, attributes: { 'exception.type': 'E', 'exception.message': 'm' } },
        ],
        ...PLAIN_SPAN_FIELDS,
      },
    ]);
    expect(rows.spans[0]).toMatchObject({ duration_ms: 1.5, start_time: '2030-01-01T00:00:00.000000Z', status: 'error' });
    expect(rows.events[0]).toMatchObject({ severity: 'error', exception_type: 'E', exception_message: 'm', exception_stacktrace: null });
  });
});
