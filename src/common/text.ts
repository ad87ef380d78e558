const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why PostgreSQL would refuse this text (as text, or inside jsonb), or null: a NUL character,
 * or an unpaired UTF-16 surrogate (which no UTF-8 encoding can carry). The one rule every
 * input path applies before a string can reach the database.
 */
export function badText(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate';
  return null;
}
