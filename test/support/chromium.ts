import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli';

/** Flags for a headless Chromium that talks to nothing but the page under test. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The Chromium binary (Debian's package, installed by scripts/ensure-chromium.sh when missing and possible), or null. */
export function chromiumBinary(): string | null {
  try {
    return (
      execFileSync(join(ROOT, 'scripts', 'ensure-chromium.sh'), {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 600_000,
      }).trim() || null
    );
  } catch {
    return null;
  }
}
