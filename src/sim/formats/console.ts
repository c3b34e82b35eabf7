// Operator-console log records, log4j style in UTC (pattern `%d %-5p %X{host} [%c{1}] %m%n`):
//   2026-01-01 00:00:01,012 INFO  op-console-1 [AlarmView] Displayed alarm A-000001 to operator jdoe
// An error may carry a Java stack trace on the following lines (tab-indented `at` frames,
// `Caused by:` sections); the whole record is written at once so it is never torn apart.
import { javaUtc } from './time.ts';

export type ConsoleLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export function consoleRecord(
  us: number,
  level: ConsoleLevel,
  host: string,
  logger: string,
  message: string,
  stack?: string,
): string {
  const head = `${javaUtc(us)} ${level.padEnd(5)} ${host} [${logger}] ${message}`;
  return stack ? `${head}\n${stack}` : head;
}
