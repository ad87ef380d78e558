import { parseMoveArgs } from './move-args';

const URL = 'postgres://u:secret@db.example:5432/mcp_metrics';

describe('parseMoveArgs', () => {
  it('reads a move, with core or a URL (given directly or through env:VAR) at either end', () => {
    expect(parseMoveArgs(['--role', 'metrics', '--to', URL])).toEqual({
      role: 'metrics',
      to: { kind: 'url', url: URL },
      from: null,
      verify: false,
      verifyOnly: false,
      dropSource: false,
      progress: 'auto',
    });
    expect(parseMoveArgs(['--role', 'logs', '--to', 'core', '--from', 'env:OLD'], { OLD: URL })).toMatchObject({
      to: { kind: 'core' },
      from: { kind: 'url', url: URL },
    });
    expect(parseMoveArgs(['--role', 'observability', '--to', 'postgresql+psycopg://u:p@h/db'])).toMatchObject({
      to: { kind: 'url', url: 'postgresql://u:p@h/db' },
    });
  });

  it('--drop-source implies a verify; --verify-only verifies and copies nothing', () => {
    expect(parseMoveArgs(['--role', 'metrics', '--to', URL, '--drop-source'])).toMatchObject({ verify: true, dropSource: true });
    expect(parseMoveArgs(['--role', 'metrics', '--to', URL, '--verify-only'])).toMatchObject({ verify: true, verifyOnly: true });
  });

  it.each([
    [[], '--role is required'],
    [['--role', 'core', '--to', URL], 'core itself does not move'],
    [['--role', 'billing', '--to', URL], '--role must be one of metrics, logs, observability'],
    [['--role', 'metrics'], '--to is required'],
    [['--role', 'metrics', '--to', 'http://h/db'], '--to must be core'],
    [['--role', 'metrics', '--to', 'postgres://h'], '--to must be core'],
    [['--role', 'metrics', '--to', 'env:NOPE'], 'NOPE is not set'],
    [['--role', 'metrics', '--to', URL, '--from', 'nowhere'], '--from must be core'],
    [['--role', 'metrics', '--to', URL, '--progress', 'loud'], '--progress must be'],
    [['--role', 'metrics', '--to', URL, '--verify-only', '--drop-source'], 'cannot go with --drop-source'],
    [['--role', 'metrics', '--to', URL, 'extra'], 'unexpected argument extra'],
    [['--role', 'metrics', '--to', URL, '--force'], "Unknown option '--force'"],
  ])('%j is refused with a message', (args, message) => {
    const result = parseMoveArgs(args as string[], {});
    expect(result).toEqual({ error: expect.stringContaining(message) });
    expect(JSON.stringify(result)).not.toContain('secret');
  });

  it('never echoes a URL given where it does not belong', () => {
    expect(JSON.stringify(parseMoveArgs(['--role', 'metrics', '--to', URL, URL], {}))).not.toContain('secret');
    expect(JSON.stringify(parseMoveArgs(['--role', 'metrics', `--to=${URL}`, `--x=${URL}`], {}))).not.toContain('secret');
  });
});
