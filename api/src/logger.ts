import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

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

/** An HTTP request as one short line in a terminal: method, path, status and time. */
function requestLine(log: Record<string, unknown>, messageKey: string): string {
  const message = typeof log[messageKey] === 'string' ? log[messageKey] : '';
  const req = log.req as { method?: string; url?: string } | undefined;
  const res = log.res as { statusCode?: number } | undefined;
  if (!req) return message;
  const took = typeof log.responseTime === 'number' ? ` (${log.responseTime} ms)` : '';
  return `${req.method ?? ''} ${req.url ?? ''} → ${res?.statusCode ?? '?'}${took}`;
}

/**
 * JSON lines for machines (a pipe, a file, a log collector); in a terminal, readable lines with
 * local times (pino-pretty, in-process and synchronous, so nothing is lost on exit).
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { service: 'cgp' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (!destination && process.stdout.isTTY) {
    return pino(
      options,
      pretty({
        colorize: true,
        sync: true,
        translateTime: 'SYS:HH:MM:ss',
        ignore: 'pid,hostname,service,req,res,responseTime',
        messageFormat: requestLine,
      }),
    );
  }
  return pino(options, destination ?? process.stdout);
}
