import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli';

export interface RunnableBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
}

/** A fenced block whose info string is `sh runnable` (or `bash runnable`), indented or not. */
const OPEN = /^(\s*)```(?:sh|bash|shell)\s+runnable\s*$/;

/** The runnable blocks of one Markdown text, in order. */
export function runnableBlocks(file: string, text: string): RunnableBlock[] {
  const lines = text.split('\n');
  const blocks: RunnableBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) body.push(lines[j].slice(Math.min(indent, lines[j].search(/\S|$/))));
    if (j === lines.length) throw new Error(`${file}:${i + 1}: runnable block is not closed`);
    blocks.push({ file, line: i + 1, code: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** README.md and docs/*.md, relative to the repository. */
export function docFiles(): string[] {
  return ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

export const readDoc = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/**
 * What runs before a file's blocks: stop at the first failing command, and make curl fail on an
 * HTTP error (a 401 fails the example, as it would fail its reader).
 */
export const PRELUDE = `set -euo pipefail
curl() { command curl --silent --show-error --fail-with-body "$@"; }
`;
