import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli';

/**
 * The python of the private virtual environment holding the official OpenTelemetry Python SDK
 * and OTLP exporters (scripts/ensure-python-otel.sh installs them with pip into .cache/python-otel/
 * when missing and possible), or why it cannot be had.
 */
export function pythonOtel(): { python: string } | { missing: string } {
  try {
    const python = execFileSync(join(ROOT, 'scripts', 'ensure-python-otel.sh'), {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 600_000,
    }).trim();
    return python ? { python } : { missing: 'the script printed no python' };
  } catch (error) {
    const said = String((error as { stderr?: string }).stderr ?? error)
      .split('\n')
      .filter((line) => line.startsWith('ensure-python-otel:'));
    return { missing: said.join('; ') || String(error) };
  }
}

export interface PythonExport {
  traceId: string;
  /** The span that carries the event, the link and the log record. */
  spanId: string;
  linkedTraceId: string;
  linkedSpanId: string;
  /** Exports per signal. */
  exports: { traces: number; metrics: number; logs: number };
  failures: string[];
}

/**
 * Runs otlp_python_export.py over `transport` with OTEL_EXPORTER_OTLP_ENDPOINT and
 * OTEL_EXPORTER_OTLP_HEADERS (the token URL-encoded, `Authorization=Bearer%20<token>`) and no
 * other OTEL_* variable: the exporters' defaults do the rest.
 */
export function runPythonExport(
  python: string,
  transport: 'grpc' | 'http',
  endpoint: string,
  token: string,
  service: string,
): Promise<PythonExport> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('OTEL_')) env[key] = value;
  env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
  env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Bearer%20${token}`;
  return new Promise((resolve, reject) => {
    const child = spawn(python, [join(__dirname, 'otlp_python_export.py'), transport, service], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`otlp_python_export.py ${transport} exited ${code}: ${err}`));
      const result = JSON.parse(out.trim().split('\n').pop() || '{}') as PythonExport;
      // What the SDK logged (a failed export is only logged) goes with the failures.
      resolve({ ...result, failures: result.failures.length > 0 ? [...result.failures, err] : [] });
    });
  });
}
