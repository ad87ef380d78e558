import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Environment for a child process: this one's, minus every fourfold database variable, with
 * the OTLP ports off (4317 and 4318 cannot serve two processes) unless `vars` sets them.
 */
export function cleanEnv(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OTLP_GRPC_PORT: '0', OTLP_HTTP_PORT: '0' };
  for (const key of ['DATABASE_URL', 'METRICS_DATABASE_URL', 'LOGS_DATABASE_URL', 'OBSERVABILITY_DATABASE_URL']) delete env[key];
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) env[k] = v;
  return env;
}

/** Runs a TypeScript entry point of the project (as the npm scripts do) and collects its output. */
export function runScript(
  script: string,
  args: string[],
  vars: Record<string, string | undefined>,
  timeoutMs = 90_000,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script, ...args], {
      cwd: ROOT,
      env: cleanEnv(vars),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export const migrate = (vars: Record<string, string | undefined>, args: string[] = []) => runScript('src/cli/db-migrate.ts', args, vars);
