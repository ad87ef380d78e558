import { parseChange, storedSettings } from './global-settings.schema';

describe('global settings schema', () => {
  it('reads a stored row through the schema: values that fit are kept, others fall back to their default', () => {
    const read = storedSettings({ tool_timeout_ms: 5000, tool_max_retries: 99, federation_enabled: 'yes', unknown: 1 });
    expect(read).toEqual({
      passthrough_headers: [],
      tool_timeout_ms: 5000,
      tool_max_retries: 0,
      health_check_interval_seconds: 60,
      federation_enabled: true,
      maintenance_message: null,
    });
  });

  it('accepts a partial change with its version, and names the field of each problem', () => {
    expect(parseChange({ version: 3, maintenance_message: null })).toEqual({ change: { version: 3, maintenance_message: null } });
    const bad = parseChange({ version: -1, passthrough_headers: ['Cookie'], extra: 1 });
    expect('errors' in bad && bad.errors.map((e) => e.field).sort()).toEqual(['extra', 'passthrough_headers.0', 'version']);
    expect(parseChange('nope')).toEqual({ errors: [expect.objectContaining({ field: 'body' })] });
  });
});
