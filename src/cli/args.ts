// Flag parsing shared by the commands (node:util parseArgs), turning unknown flags and bad values
// into UserErrors that say what to do.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UserError } from '../events/errors.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Flags {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses argv; `--help` prints the help and exits 0; an unknown flag is a UserError with the help. */
export function parseFlags(argv: string[], options: Options, help: string): Flags {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      console.log(help);
      process.exit(0);
    }
    return parsed as Flags;
  } catch (e) {
    throw new UserError('bad_request', `${(e as Error).message}\n\n${help}`, []);
  }
}

export function intFlag(
  name: string,
  value: string | undefined,
  dflt: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UserError(
      'bad_request',
      `--${name} must be a whole number from ${min} to ${max}, not "${value}"`,
    );
  }
  return n;
}
