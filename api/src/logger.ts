import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths that must never reach a log line, whatever object carries them. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'input.password',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'token',
  '*.token',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, base: { service: 'cgp' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    destination ?? process.stdout,
  );
}
