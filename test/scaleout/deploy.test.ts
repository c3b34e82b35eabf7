// The deployment files under deploy/ stay true to Mortar: every Kubernetes manifest parses, the
// configurations in its ConfigMaps pass Mortar's own validation (agent section included), names
// the pods refer to (ConfigMaps, Secret keys, environment variables the configurations read)
// exist, and the systemd units run commands the CLI has.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { agentSettings } from '../../src/agent/settings.ts';
import { loadConfig } from '../../src/config/load.ts';

const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML, inspected by path.
type Doc = any;

function manifests(): Doc[] {
  const dir = join(DEPLOY, 'k8s');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) =>
      parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => {
        expect(d.errors, f).toEqual([]);
        return d.toJS() as Doc;
      }),
    );
}

function byKind(docs: Doc[], kind: string): Doc[] {
  return docs.filter((d) => d.kind === kind);
}

function envOf(workload: Doc): Record<string, Doc> {
  const env = workload.spec.template.spec.containers[0].env as { name: string }[];
  return Object.fromEntries(env.map((e) => [e.name, e]));
}

describe('deploy/k8s', () => {
  const docs = manifests();

  it('declares the server, its service and volume, the agent DaemonSet, config and secret', () => {
    for (const d of docs) {
      expect(d.apiVersion, JSON.stringify(d.metadata)).toBeTruthy();
      if (d.kind !== 'Namespace') expect(d.metadata.namespace).toBe('mortar');
    }
    expect(docs.map((d) => d.kind).sort()).toEqual(
      [
        'ConfigMap',
        'ConfigMap',
        'DaemonSet',
        'Deployment',
        'Namespace',
        'PersistentVolumeClaim',
        'Secret',
        'Service',
      ].sort(),
    );
  });

  it('the ConfigMaps hold configurations Mortar accepts, and the pods supply what they read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mortar-deploy-'));
    try {
      const [server] = byKind(docs, 'Deployment');
      const [agent] = byKind(docs, 'DaemonSet');
      const [secret] = byKind(docs, 'Secret');
      const maps = Object.fromEntries(byKind(docs, 'ConfigMap').map((m) => [m.metadata.name, m.data]));
      for (const w of [server, agent]) {
        const volumes = w.spec.template.spec.volumes as Doc[];
        for (const v of volumes.filter((x) => x.configMap)) expect(maps).toHaveProperty(v.configMap.name);
        for (const e of Object.values(envOf(w)))
          if (e.valueFrom?.secretKeyRef)
            expect(secret.stringData).toHaveProperty(e.valueFrom.secretKeyRef.key);
      }

      writeFileSync(join(dir, 'mortar.yaml'), maps['mortar-server']['mortar.yaml']);
      const serverConfig = loadConfig(join(dir, 'mortar.yaml'));
      expect(serverConfig.warehouse.type).toBe('clickhouse');
      const w = serverConfig.warehouse as { passwordEnv?: string; cluster?: string; shards?: string[] };
      expect(envOf(server)).toHaveProperty(w.passwordEnv!);
      expect(w.shards!.length).toBeGreaterThanOrEqual(2);

      writeFileSync(
        join(dir, 'agent.yaml'),
        maps['mortar-agent']['agent.yaml'].replaceAll('__NODE_NAME__', 'node-1'),
      );
      const agentConfig = loadConfig(join(dir, 'agent.yaml'));
      const settings = agentSettings(agentConfig);
      expect(settings.id).toBe('node-1');
      const tokenEnv = /token_env: (\S+)/.exec(maps['mortar-agent']['agent.yaml'])![1]!;
      expect(envOf(agent)).toHaveProperty(tokenEnv);
      const servicePort = byKind(docs, 'Service')[0].spec.ports[0].port;
      expect(settings.servers).toEqual([`http://mortar.mortar.svc:${servicePort}`]);
      expect(settings.status.listen?.port).toBe(
        agent.spec.template.spec.containers[0].ports[0].containerPort,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy/systemd', () => {
  it('runs mortar commands that exist, against the files the docs name', () => {
    const main = readFileSync(fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url)), 'utf8');
    for (const [unit, command] of [
      ['mortar.service', 'serve'],
      ['mortar-agent.service', 'agent'],
    ] as const) {
      const text = readFileSync(join(DEPLOY, 'systemd', unit), 'utf8');
      const exec = /^ExecStart=(.*)$/m.exec(text)![1]!.split(' ');
      expect(exec.slice(1, 3)).toEqual(['/opt/mortar/bin/mortar.js', command]);
      expect(main).toMatch(new RegExp(`\\n  ${command}: \\{`));
      expect(text).toMatch(/^StateDirectory=/m);
      expect(text).toMatch(/^\[Install\]\nWantedBy=multi-user\.target$/m);
    }
  });
});
