import { classifyWriteError, describeError } from './pg-errors';

describe('classifyWriteError', () => {
  it.each([
    [{ code: '22001' }, 'data'], // value too long
    [{ code: '22P02' }, 'data'], // invalid text representation
    [{ code: '23502' }, 'data'], // not null violation
    [{ code: '23505' }, 'duplicate'],
    [{ code: '57P01' }, 'unavailable'], // admin shutdown
    [{ code: '08006' }, 'unavailable'],
    [{ code: '25006' }, 'unavailable'], // read-only transaction (failover)
    [{ code: 'ECONNREFUSED' }, 'unavailable'],
    [new Error('Connection terminated unexpectedly'), 'unavailable'],
  ])('%j → %s', (error, expected) => {
    expect(classifyWriteError(error)).toBe(expected);
  });

  it('never shows credentials', () => {
    expect(describeError(new Error('connect postgres://u:secret@h/db failed'))).not.toContain('secret');
    expect(describeError({ code: '22001', message: 'value too long' })).toBe('value too long (SQLSTATE 22001)');
  });
});
