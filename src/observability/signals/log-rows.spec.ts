import { readLogsRequest } from '../otlp/otlp-logs-request';
import { jsonReader } from '../otlp/otlp-values';
import { levelOf, logRecordId, logRow, messageOf } from './log-rows';

const options = { oldestMs: 0, newestMs: Number.MAX_SAFE_INTEGER, maxRecords: 100 };
const request = (records: unknown[], resource: unknown[] = []) => ({
  resourceLogs: [{ resource: { attributes: resource }, scopeLogs: [{ scope: { name: 's' }, logRecords: records }] }],
});

describe('OTLP log records as structured_log_entries rows', () => {
  it('maps severity numbers by range, and severity texts when no number is given', () => {
    expect([1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24].map((n) => levelOf(n, null))).toEqual([
      'debug',
      'debug',
      'debug',
      'debug',
      'info',
      'info',
      'warning',
      'warning',
      'error',
      'error',
      'critical',
      'critical',
    ]);
    expect(levelOf(0, 'WARN')).toBe('warning');
    expect(levelOf(0, ' Fatal ')).toBe('critical');
    expect(levelOf(0, 'verbose')).toBe('info');
    expect(levelOf(9, 'ERROR')).toBe('info'); // the number wins
  });

  it('keeps the body as it came, its text in message', () => {
    expect(messageOf('plain')).toBe('plain');
    expect(messageOf({ a: [1, true] })).toBe('{"a":[1,true]}');
    expect(messageOf(null)).toBe('');
  });

  it('gives a resent record the same id, and a different record another', () => {
    const records = [
      { timeUnixNano: '1000000000', body: { stringValue: 'a' }, attributes: [{ key: 'k', value: { intValue: 1 } }] },
      { timeUnixNano: '1000000000', body: { stringValue: 'a' }, attributes: [{ key: 'k', value: { intValue: 2 } }] },
    ];
    const once = readLogsRequest(jsonReader, request(records), options).records.map(logRecordId);
    const twice = readLogsRequest(jsonReader, request(records), options).records.map(logRecordId);
    expect(once).toEqual(twice);
    expect(once[0]).not.toBe(once[1]);
  });

  it('fills the service columns from well-known attributes', () => {
    const [record] = readLogsRequest(
      jsonReader,
      request(
        [{ timeUnixNano: '1000000000', attributes: [{ key: 'enduser.id', value: { stringValue: 'u1' } }], flags: 257 }],
        [
          { key: 'service.name', value: { stringValue: 'gw' } },
          { key: 'deployment.environment.name', value: { stringValue: 'prod' } },
          { key: 'process.pid', value: { intValue: '42' } },
        ],
      ),
      options,
    ).records;
    expect(logRow(record)).toMatchObject({
      component: 'gw',
      environment: 'prod',
      process_id: 42,
      user_id: 'u1',
      logger: 's',
      trace_flags: 1,
    });
  });

  it('rejects what it cannot store, refuses what is malformed', () => {
    const result = readLogsRequest(
      jsonReader,
      request([{ body: { stringValue: 'x' } }, { timeUnixNano: '5', severityNumber: 30 }]),
      options,
    );
    expect(result.rejected).toBe(2);
    expect(result.reasons[1]).toContain('not a severity');
    expect(() => readLogsRequest(jsonReader, request([{ timeUnixNano: 'soon' }]), options)).toThrow('logRecords[0].timeUnixNano');
    expect(() => readLogsRequest(jsonReader, request([{}, {}]), { ...options, maxRecords: 1 })).toThrow('more than 1 log records');
  });
});
