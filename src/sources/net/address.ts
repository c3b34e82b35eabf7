// Listen addresses (`host:port`, `[::1]:514`) and binding: what every network source shares. A
// failure to bind is the user's to fix (port taken, privileged port), so it becomes a UserError.
import type { AddressInfo } from 'node:net';
import { UserError } from '../../events/errors.ts';

export interface ListenAddress {
  host: string;
  port: number;
}

/** `host:port` or `[v6]:port`; undefined when malformed. */
export function parseListen(text: string): ListenAddress | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(text.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: (m[1] ?? m[2])!, port };
}

/** `host:port` as a URL authority (brackets around IPv6). */
export const formatAddress = (a: { address?: string; host?: string; port: number }): string => {
  const host = a.address ?? a.host ?? '';
  return `${host.includes(':') ? `[${host}]` : host}:${a.port}`;
};

/** The sender's address without the IPv4-mapped prefix (`::ffff:10.0.0.5` -> `10.0.0.5`). */
export const peerAddress = (address: string | undefined): string =>
  address?.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : (address ?? 'unknown');

export function bindError(what: string, listen: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new UserError(
      'config_invalid',
      `${what}: ${listen} is already in use; pick another port in listen`,
    );
  if (code === 'EACCES')
    return new UserError(
      'config_invalid',
      `${what}: not allowed to listen on ${listen}; ports below 1024 need privileges, use e.g. 5514`,
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new UserError('config_invalid', `${what}: ${listen} is not an address of this machine`);
  return e instanceof Error ? e : new Error(String(e));
}

/** Resolves once a server (net, http or dgram) emits 'listening', rejects on its first 'error'. */
export function whenListening(
  server: {
    once(ev: 'listening', f: () => void): unknown;
    once(ev: 'error', f: (e: Error) => void): unknown;
    off(ev: 'error', f: (e: Error) => void): unknown;
    address(): AddressInfo | string | null;
  },
  what: string,
  listen: string,
): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(bindError(what, listen, e));
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}
