import { spawn } from 'node:child_process';
import { startApp, TestApp } from './support/app';
import { cleanEnv, ROOT } from './support/cli';
import { createDatabase, dropDatabase } from './support/postgres';
import { docFiles, PRELUDE, readDoc, runnableBlocks } from './support/runnable-docs';

jest.setTimeout(600_000);

/** Runs a file's blocks in one shell, in order (a block may use what an earlier one set), against the service. */
function runShell(script: string, vars: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: ROOT, env: cleanEnv(vars), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const files = docFiles()
  .map((file) => ({ file, blocks: runnableBlocks(file, readDoc(file)) }))
  .filter((f) => f.blocks.length > 0);

describe('runnable examples of README.md and docs/*.md (```sh runnable), run against a started service', () => {
  let url: string;
  let app: TestApp;

  beforeAll(async () => {
    url = await createDatabase('docs');
    app = await startApp({ DATABASE_URL: url, WRITER_FLUSH_MS: '200' });
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  it('the README tour is runnable', () => {
    expect(files.find((f) => f.file === 'README.md')?.blocks.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files.map((f) => [f.file, f] as const))('%s', async (_, { file, blocks }) => {
    // The tour's variables, as its reader sets them; DATABASE_URL for the command-line examples.
    const vars = { FF_URL: app.baseUrl, FF_TOKEN: app.adminToken, DATABASE_URL: url, MIGRATIONS_RUN: 'false' };
    const script = PRELUDE + blocks.map((b) => `echo "--- ${b.file}:${b.line}"\n${b.code}`).join('\n');
    const run = await runShell(script, vars);
    expect({ file, code: run.code, output: run.output }).toEqual({ file, code: 0, output: expect.any(String) });
  });
});
