import { csvField, exportHead, exportPage, exportTail } from './trace-export';

const item = (id: string, name: string) => ({ trace_id: id, root_name: name, services: ['a', 'b'], span_count: 2, end_time: null });

describe('trace export formats', () => {
  it('JSON: pages concatenate into one valid array; NDJSON: one object a line', () => {
    const pages = [[item('1', 'x')], [item('2', 'y'), item('3', 'z')], []];
    let json = exportHead('json');
    let first = true;
    for (const page of pages) {
      json += exportPage('json', page, first);
      if (page.length) first = false;
    }
    json += exportTail('json');
    expect(JSON.parse(json).map((i: { trace_id: string }) => i.trace_id)).toEqual(['1', '2', '3']);
    expect(exportHead('json') + exportTail('json')).toBe('[]');
    const nd = pages.map((p) => exportPage('ndjson', p, true)).join('');
    expect(
      nd
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).trace_id),
    ).toEqual(['1', '2', '3']);
  });

  it('CSV: a header, quoted fields where needed, arrays joined, formulas defused', () => {
    expect(exportHead('csv').startsWith('trace_id,root_name,root_service,start_time')).toBe(true);
    const line = exportPage('csv', [item('1', 'POST /rpc, "quoted"')], true);
    expect(line).toBe('1,"POST /rpc, ""quoted""",,,,,2,,,a;b,,,,\r\n');
    expect(csvField('=cmd|calc')).toBe("'=cmd|calc");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(-1)).toBe('-1');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });
});
