// The `agent` section of the main configuration file as plain typed settings: paths resolved
// (buffer relative to data_dir, token and CA files relative to the file), durations in ms.
// loadConfig has already validated the section with every error's position; this only reads it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import type { Config } from '../config/load.ts';
import { agentSpec } from '../config/schema.ts';
import { UserError } from '../events/errors.ts';
import { parseDurationMs } from '../events/time.ts';
import type { WhenFull } from './disk-buffer.ts';

export interface AgentSettings {
  id: string;
  servers: string[];
  balance: 'failover' | 'round_robin';
  /** Reads the token now (the file again each time: a fixed token applies without a restart). */
  token: () => string | undefined;
  compression: 'gzip' | 'none';
  batchBytes: number;
  timeoutMs: number;
  retryMaxMs: number;
  ca?: Buffer;
  insecureSkipVerify: boolean;
  buffer: { dir: string; maxBytes: number; segmentBytes: number; whenFull: WhenFull };
  status: { listen?: { host: string; port: number }; logIntervalMs: number };
}

export function agentSettings(config: Config): AgentSettings {
  const root = parse(readFileSync(config.file, 'utf8')) as { agent?: unknown } | null;
  if (root?.agent === undefined)
    throw new UserError('config_invalid', `${config.file} has no agent section`, [
      {
        where: config.file,
        message: 'mortar agent needs to know where to ship',
        hint: 'add agent: {id: my-host, servers: [http://mortar:8080], token_file: agent.token}',
      },
    ]);
  const a = agentSpec.parse(root.agent);
  const here = dirname(config.file);
  const tokenFile = a.token_file === undefined ? undefined : resolve(here, a.token_file);
  const caFile = a.tls?.ca_file === undefined ? undefined : resolve(here, a.tls.ca_file);
  if (caFile && !existsSync(caFile))
    throw new UserError('config_invalid', `agent.tls.ca_file not found: ${caFile}`, [
      {
        where: `${config.file} agent.tls.ca_file`,
        message: 'no such file',
        hint: 'give the PEM file of the CA',
      },
    ]);
  const listen = a.status?.listen?.split(':');
  const b = a.buffer ?? agentSpec.shape.buffer.unwrap().parse({});
  return {
    id: a.id,
    servers: a.servers,
    balance: a.balance,
    token: () => {
      if (a.token_env !== undefined) return process.env[a.token_env]?.trim() || undefined;
      if (tokenFile === undefined) return undefined;
      try {
        return readFileSync(tokenFile, 'utf8').trim() || undefined;
      } catch {
        return undefined;
      }
    },
    compression: a.compression,
    batchBytes: a.batch_bytes,
    timeoutMs: parseDurationMs(a.timeout)!,
    retryMaxMs: parseDurationMs(a.retry_max)!,
    ...(caFile ? { ca: readFileSync(caFile) } : {}),
    insecureSkipVerify: a.tls?.insecure_skip_verify ?? false,
    buffer: {
      dir: resolve(config.dataDir, b.dir),
      maxBytes: b.max_bytes,
      segmentBytes: b.segment_bytes,
      whenFull: b.when_full,
    },
    status: {
      ...(listen ? { listen: { host: listen[0]!, port: Number(listen[1]) } } : {}),
      logIntervalMs: parseDurationMs(a.status?.log_interval ?? '30s')!,
    },
  };
}
