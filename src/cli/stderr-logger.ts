import { LoggerService } from '@nestjs/common';

/** Nest's Logger for command-line tools: everything to stderr, so that stdout carries only the result. */
export const stderrLogger: LoggerService = Object.fromEntries(
  ['log', 'warn', 'error', 'debug', 'verbose', 'fatal'].map((level) => [
    level,
    (message: unknown, context?: unknown) => {
      process.stderr.write(`${level.toUpperCase()} ${typeof context === 'string' ? `[${context}] ` : ''}${String(message)}\n`);
    },
  ]),
) as unknown as LoggerService;
