import { execFileSync, spawn, ChildProcess, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './cli';
import { freePort } from './postgres';

/** The directory holding prometheus and promtool (installed from Debian's package when missing and possible), or null. */
export function prometheusDir(): string | null {
  try {
    return (
      execFileSync(join(ROOT, 'scripts', 'ensure-prometheus.sh'), {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 600_000,
      }).trim() || null
    );
  } catch {
    return null;
  }
}

/** `promtool check metrics` on a scrape: its exit code and what it said. */
export function promtoolCheckMetrics(dir: string, exposition: string): { code: number | null; output: string } {
  const run = spawnSync(join(dir, 'promtool'), ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

export function promtool(dir: string, args: string[]): { code: number | null; output: string } {
  const run = spawnSync(join(dir, 'promtool'), args, { encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

export interface ScrapeTarget {
  job: string;
  /** host:port */
  target: string;
  bearerToken?: string;
}

export interface RunningPrometheus {
  url: string;
  /** Instant query; the result vector. */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** The loaded alerting rules with their state. */
  alerts(): Promise<Array<{ name: string; state: string; labels: Record<string, string> }>>;
  stop(): Promise<void>;
}

/** Starts a real Prometheus scraping `targets` every second, with deploy/prometheus/alerts.yaml loaded. */
export async function startPrometheus(dir: string, targets: ScrapeTarget[]): Promise<RunningPrometheus> {
  const work = mkdtempSync(join(tmpdir(), 'fourfold-prometheus-'));
  chmodSync(work, 0o755);
  copyFileSync(join(ROOT, 'deploy', 'prometheus', 'alerts.yaml'), join(work, 'alerts.yaml'));
  const jobs = targets.map((t) =>
    [
      `  - job_name: ${t.job}`,
      `    scrape_interval: 1s`,
      ...(t.bearerToken ? [`    authorization:`, `      credentials: ${t.bearerToken}`] : []),
      `    static_configs:`,
      `      - targets: ['${t.target}']`,
    ].join('\n'),
  );
  writeFileSync(
    join(work, 'prometheus.yml'),
    ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'rule_files: [alerts.yaml]', 'scrape_configs:', ...jobs].join('\n') +
      '\n',
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    join(dir, 'prometheus'),
    [
      `--config.file=${join(work, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(work, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 150 || child.exitCode !== null) throw new Error(`prometheus did not start\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const api = async (path: string) => {
    const body = (await (await fetch(`${url}${path}`)).json()) as { status: string; data: unknown; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error}`);
    return body.data;
  };
  return {
    url,
    query: async (expr) => ((await api(`/api/v1/query?query=${encodeURIComponent(expr)}`)) as { result: never }).result,
    alerts: async () => {
      const data = (await api('/api/v1/rules?type=alert')) as {
        groups: Array<{ rules: Array<{ name: string; alerts: Array<{ state: string; labels: Record<string, string> }> }> }>;
      };
      return data.groups.flatMap((g) => g.rules.flatMap((r) => r.alerts.map((a) => ({ name: r.name, state: a.state, labels: a.labels }))));
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(work, { recursive: true, force: true });
    },
  };
}
