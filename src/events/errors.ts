// Two kinds of errors (DESIGN.md convention 6): a UserError carries a stable code and a message
// that says what to do; anything else thrown is a bug. The API maps both to HTTP in one place.

export type UserErrorCode =
  | 'config_invalid'
  | 'config_not_found'
  | 'bad_request'
  | 'not_found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'locked';

export interface ErrorDetail {
  /** Where: file and path inside it, e.g. `mortar.yaml: pipelines.sensors.parsers[0].pattern`. */
  where: string;
  message: string;
  hint?: string;
}

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    readonly code: UserErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }

  /** Multi-line rendering for terminals: the message, then one line per detail. */
  render(): string {
    const lines = [this.message];
    for (const d of this.details)
      lines.push(`  ${d.where}: ${d.message}${d.hint ? `\n    hint: ${d.hint}` : ''}`);
    return lines.join('\n');
  }
}

export const isUserError = (e: unknown): e is UserError => e instanceof UserError;
