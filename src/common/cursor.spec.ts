import { decodeCursor, encodeCursor } from './cursor';

const any = (values: unknown[]) => values;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('cursors: opaque, validated as a whole', () => {
  it('round-trips what it encodes', () => {
    expect(decodeCursor(encodeCursor(['start', 'x', 3]), any)).toEqual(['start', 'x', 3]);
  });

  it('refuses any other spelling of the same bytes, stray characters, padding, and non-arrays', () => {
    const good = encodeCursor(['a']);
    for (const text of [
      `${good}=`,
      `${good}!`,
      ` ${good}`,
      `${good}A`,
      '',
      'x'.repeat(600),
      b64('["a" ]'),
      b64('{"a":1}'),
      b64('[{"a":1}]'),
      b64('[null]'),
    ])
      expect(decodeCursor(text, any)).toBeNull();
    expect(decodeCursor(42, any)).toBeNull();
  });
});
