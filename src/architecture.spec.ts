import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

/**
 * The rooms of src/ and what each may import (ARCHITECTURE.md). Lower rooms never import
 * higher ones: database/ knows roles by name, never their entities or services.
 */
const ALLOWED: Record<string, string[]> = {
  common: [],
  config: ['common', 'database/roles.ts'],
  database: ['common', 'config'],
  writer: ['common', 'config', 'database'],
  partitioning: ['common', 'config', 'database'],
  move: ['common', 'config', 'database', 'partitioning'],
};

const SRC = resolve(__dirname);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Imports of `file` that point into src/, as paths relative to src/. */
function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.[^']+)'/g)]
    .map((m) => relative(SRC, resolve(dirname(file), m[1])))
    .filter((target) => !target.startsWith('..'));
}

describe('architecture', () => {
  for (const [room, allowed] of Object.entries(ALLOWED)) {
    it(`${room}/ imports only from ${allowed.length ? allowed.join(', ') : 'itself'}`, () => {
      const violations = sources(join(SRC, room)).flatMap((file) =>
        localImports(file)
          .filter((target) => !target.startsWith(`${room}/`))
          .filter((target) => !allowed.some((a) => target === a.replace(/\.ts$/, '') || target.startsWith(`${a}/`)))
          .map((target) => `${relative(SRC, file)} imports ${target}`),
      );
      expect(violations).toEqual([]);
    });
  }

  it('keeps every source file under 350 lines (migrations aside)', () => {
    const long = sources(SRC)
      .map((file) => ({ file: relative(SRC, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter((f) => f.lines > 350);
    expect(long).toEqual([]);
  });

  it('never looks a key up with `in`: tables keyed by input are Maps or checked with Object.hasOwn', () => {
    // `'constructor' in {}` is true: an inherited name passes an `in` check (PUT …/constructor/… answered 500).
    // A string literal on the left is type narrowing (`'failure' in result`), not a lookup of input.
    const lookups = sources(SRC).flatMap((file) => {
      const found: string[] = [];
      const visit = (node: ts.Node) => {
        if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.InKeyword && !ts.isStringLiteralLike(node.left)) {
          const { line } = node.getSourceFile().getLineAndCharacterOfPosition(node.getStart());
          found.push(`${relative(SRC, file)}:${line + 1}: ${node.getText()}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true));
      return found;
    });
    expect(lookups).toEqual([]);
  });
});
