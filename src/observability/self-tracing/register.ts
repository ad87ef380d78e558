/**
 * Imported first by main.ts, before anything loads http, express or pg, so that the
 * OpenTelemetry instrumentations can wrap them. Does nothing unless self-tracing is asked for
 * (see selfTracingMode).
 */
import { startSelfTracing } from './self-tracing';

export const selfTracing = startSelfTracing(process.env);
