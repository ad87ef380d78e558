import { DataSource, QueryRunner } from 'typeorm';

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type PgClient = { connection?: { stream?: { destroy(error: Error): void } } };

/**
 * Destroys a checked-out client's socket after `ms` unless the returned timer is cleared:
 * the query in progress then fails and the pool drops the connection. For a server that
 * stops answering without closing the connection, which TCP notices only minutes later.
 */
export function cutAfter(client: unknown, ms: number, onCut: (error: Error) => void = () => undefined): NodeJS.Timeout {
  const timer = setTimeout(() => {
    const error = new Error(`no answer from the database within ${ms} ms; connection abandoned`);
    onCut(error);
    (client as PgClient).connection?.stream?.destroy(error);
  }, ms);
  timer.unref();
  return timer;
}

/**
 * Runs `work` on one pooled connection that must finish within `ms`. On a dead network path
 * (no answer, no reset) a plain query with a timeout would give up waiting but leave its
 * connection checked out and hanging until TCP gives up, minutes later: callers that poll
 * (probes, status pages) would drain the pool. Here a connection that does not answer in
 * time is cut (its socket destroyed, so the pool drops it), and one that connects too late
 * is handed straight back.
 */
export async function withDeadline<T>(dataSource: DataSource, ms: number, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  const started = Date.now();
  const connecting = runner.connect() as Promise<PgClient>;
  let client: PgClient;
  try {
    client = await withTimeout(connecting, ms);
  } catch (error) {
    void connecting.then(
      () => runner.release(),
      () => undefined,
    );
    throw error;
  }
  const left = Math.max(1, ms - (Date.now() - started));
  const cut = cutAfter(client, left);
  try {
    return await withTimeout(work(runner), left + 100);
  } finally {
    clearTimeout(cut);
    await runner.release();
  }
}
