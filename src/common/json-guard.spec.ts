import { findBadInput, scanJson } from './json-guard';

const limits = { maxDepth: 8, maxKeys: 5 };
const scan = (text: string) => scanJson(Buffer.from(text), limits);

describe('scanJson (raw body, before JSON.parse)', () => {
  it('passes bodies within the limits, malformed ones included (JSON.parse reports those)', () => {
    expect(scan('{"name":"t","input_schema":{"a":1,"b":[1,2,3]}}')).toBeNull();
    expect(scan('[{"a":1,"b":2,"c":3},{"a":1,"b":2,"c":3},{"a":1,"b":2,"c":3}]')).toBeNull();
    expect(scan('{"s":"a:b,c{[\\"x\\":1,2]}"}')).toBeNull();
    expect(scan('{"name": "t",')).toBeNull();
  });

  it('names the field nested too deep', () => {
    expect(scan(`{"ok":1,"input_schema":${'['.repeat(20)}${']'.repeat(20)}}`)).toEqual({
      field: 'input_schema',
      reason: 'is nested deeper than 8 levels (HTTP_JSON_MAX_DEPTH)',
    });
    expect(scan('['.repeat(10_000))).toEqual({ field: '[0]', reason: expect.stringMatching(/nested deeper/) });
  });

  it('names the field holding too many keys or elements, per field and per item of an array body', () => {
    expect(scan('{"a":[{"k":0},{"k":0},{"k":0},{"k":0}]}')).toEqual({
      field: 'a',
      reason: 'holds more than 5 keys and elements (HTTP_JSON_MAX_KEYS)',
    });
    expect(scan('{"tags":[1,2,3,4,5,6,7]}')).toMatchObject({ field: 'tags' });
    expect(scan('[{"a":1},{"a":[1,2,3,4,5,6,7]}]')).toMatchObject({ field: '[1]' });
    expect(scan('[1,2,3,4,5,6,7,8,9,10]')).toBeNull();
  });

  it('counts distinct key names across the body', () => {
    expect(scan('[{"a":0},{"b":0},{"c":0},{"d":0},{"e":0},{"f":0}]')).toEqual({
      field: '[5]',
      reason: 'the body uses more than 5 distinct key names (HTTP_JSON_MAX_KEYS)',
    });
  });

  it('stops at the bound on a 4 MiB body of 300k keys: linear, seconds to spare on a loaded host', () => {
    const body = Buffer.from(`{"input_schema":{${Array.from({ length: 300_000 }, (_, i) => `"k${i}":0`).join(',')}}}`);
    const started = performance.now();
    expect(scanJson(body, { maxDepth: 64, maxKeys: 10_000 })).toMatchObject({ field: 'input_schema' });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('findBadInput (parsed values)', () => {
  it('names NUL characters and unpaired surrogates in values and keys', () => {
    expect(findBadInput({ name: 'a\u0000b' })).toEqual({ field: 'name', reason: 'contains a NUL character (\\u0000)' });
    expect(findBadInput({ schema: { props: [{ x: '\ud800' }] } })).toEqual({
      field: 'schema.props[0].x',
      reason: 'contains an unpaired UTF-16 surrogate',
    });
    expect(findBadInput({ headers: { 'x\u0000': 'v' } })).toEqual({
      field: 'headers',
      reason: 'has a key that contains a NUL character (\\u0000)',
    });
    expect(findBadInput([{ ok: 'é😀' }])).toBeNull();
  });

  it('refuses keys that mean something to JavaScript objects', () => {
    expect(findBadInput(JSON.parse('{"a":{"__proto__":{"x":1}}}'))).toEqual({ field: 'a', reason: 'must not use the key "__proto__"' });
    expect(findBadInput({ constructor: 1 })).toEqual({ field: '(body)', reason: 'must not use the key "constructor"' });
  });

  it('walks deep values without recursion', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(findBadInput(deep)).toMatchObject({ reason: expect.stringMatching(/NUL/) });
  });
});
