import { parseArgs } from 'node:util';
import { envSchema } from '../config/configuration';
import { OPTIONAL_ROLES, OptionalRole } from '../database/roles';

/** Where rows come from or go to: the core database of the configuration, or a database URL. */
export type Endpoint = { kind: 'core' } | { kind: 'url'; url: string };

export type ProgressMode = 'auto' | 'bar' | 'json';

export interface MoveArgs {
  role: OptionalRole;
  to: Endpoint;
  /** Default: where the role lives per the current configuration. */
  from: Endpoint | null;
  verify: boolean;
  /** Compare only: copy nothing. */
  verifyOnly: boolean;
  dropSource: boolean;
  progress: ProgressMode;
}

export const MOVE_USAGE = `usage: npm run db:move -- --role ${OPTIONAL_ROLES.join('|')} --to <url|core|env:VAR> [--from <url|core|env:VAR>]
                       [--verify | --verify-only] [--drop-source] [--progress auto|bar|json]
  --to           the database that receives the role's rows (migrated first); core: the core database
  --from         where the rows are now (default: where the current configuration puts the role)
  --verify       after copying, compare every partition on both sides (counts and checksums)
  --verify-only  compare without copying anything
  --drop-source  after a successful verify, drop the role's tables from the source (implies --verify)
  A URL may be given as env:VAR, read from the environment variable VAR (keeps passwords out of ps).`;

const isValidUrl = (value: string): string | null => {
  const parsed = envSchema.shape.DATABASE_URL.safeParse(value);
  return parsed.success && typeof parsed.data === 'string' ? parsed.data : null;
};

function endpoint(option: string, value: string, env: NodeJS.ProcessEnv): Endpoint | string {
  if (value === 'core') return { kind: 'core' };
  let url = value;
  if (value.startsWith('env:')) {
    const name = value.slice(4);
    if (!env[name]) return `${option} ${value}: the environment variable ${name} is not set`;
    url = env[name]!;
  }
  const valid = isValidUrl(url);
  // Never echo the value: it may carry a password.
  return valid ? { kind: 'url', url: valid } : `${option} must be core, env:VAR or a postgres://user:password@host:port/database URL`;
}

/** Parses and checks the command line; returns a message for the user instead of throwing. */
export function parseMoveArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): MoveArgs | { error: string } {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        role: { type: 'string' },
        to: { type: 'string' },
        from: { type: 'string' },
        verify: { type: 'boolean', default: false },
        'verify-only': { type: 'boolean', default: false },
        'drop-source': { type: 'boolean', default: false },
        progress: { type: 'string', default: 'auto' },
      },
    }));
  } catch (error) {
    return { error: (error as Error).message.replace(/postgres(ql)?:\/\/\S+/gi, '<url>') };
  }
  if (positionals.length) return { error: `unexpected argument ${positionals[0].startsWith('postgres') ? '<url>' : positionals[0]}` };
  const role = values.role as string | undefined;
  if (!role) return { error: '--role is required' };
  if (!(OPTIONAL_ROLES as readonly string[]).includes(role)) {
    return { error: `--role must be one of ${OPTIONAL_ROLES.join(', ')}${role === 'core' ? ' (core itself does not move)' : ''}` };
  }
  if (!values.to) return { error: '--to is required' };
  const to = endpoint('--to', values.to as string, env);
  if (typeof to === 'string') return { error: to };
  let from: Endpoint | null = null;
  if (values.from !== undefined) {
    const parsed = endpoint('--from', values.from as string, env);
    if (typeof parsed === 'string') return { error: parsed };
    from = parsed;
  }
  const progress = values.progress as string;
  if (!['auto', 'bar', 'json'].includes(progress)) return { error: '--progress must be auto, bar or json' };
  const dropSource = values['drop-source'] === true;
  const verifyOnly = values['verify-only'] === true;
  if (verifyOnly && dropSource) return { error: '--verify-only copies and drops nothing: it cannot go with --drop-source' };
  return {
    role: role as OptionalRole,
    to,
    from,
    verify: values.verify === true || dropSource || verifyOnly,
    verifyOnly,
    dropSource,
    progress: progress as ProgressMode,
  };
}
