import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs, one object a line, tagged with the service name, on stdout (fd 1) unless told otherwise. */
export function createLogger(service: string, level = 'info', fd: 1 | 2 = 1): Logger {
  return pino({ name: service, level, base: { service } }, pino.destination({ fd, sync: true }));
}
