// Every component's sign of life, each in its own format and rhythm, plus the video system's
// storage status. A component that is down (HA outage) skips its heartbeats, a silent one writes
// none, and a restarted one beats at once; the truth lists every heartbeat actually written, and
// health learns of every intact one.
import { alarmServerLine } from './formats/alarm-server.ts';
import { consoleRecord } from './formats/console.ts';
import { gatewayLine } from './formats/gateway.ts';
import { sensorHeartbeatText, sensorLine } from './formats/sensors.ts';
import { videoLine } from './formats/video.ts';
import { CAMERAS, COMPONENTS, HEARTBEAT_S, operatorOn, SUBSYSTEMS, type Subsystem, VMS } from './topology.ts';
import { type HeartbeatTruth, truthTs } from './truth.ts';
import type { World } from './world.ts';

const S = 1_000_000;

export interface VideoState {
  camerasOnline: number;
  storageUsedPct: number;
}

export function startHeartbeats(w: World, video: VideoState): void {
  const beats = new Map<string, () => void>();
  for (const subsystem of SUBSYSTEMS) {
    for (const component of COMPONENTS[subsystem]) {
      const period = HEARTBEAT_S[subsystem] * S;
      const temp = 35 + w.rng.uniform(0, 8);
      const once = (): void => heartbeat(w, subsystem, component, video, temp);
      beats.set(component, once);
      const beat = (): void => {
        once();
        // Crystal drift: a few milliseconds either way, so heartbeats are not perfectly regular.
        w.after(period + w.rng.uniform(-20_000, 20_000), beat);
      };
      w.after(w.rng.uniform(0, period), beat);
    }
  }
  w.beatNow = (component) => beats.get(component)?.();
  const storage = (): void => {
    video.storageUsedPct += w.rng.uniform(0.01, 0.06);
    if (video.storageUsedPct > 92) {
      const freed = video.storageUsedPct - w.rng.uniform(68, 72);
      video.storageUsedPct -= freed;
      const line = videoLine(w.clock(VMS), 'warn', VMS, 'retention purge', {
        freed_gb: (freed * 40).toFixed(0),
        storage_used_pct: video.storageUsedPct.toFixed(1),
      });
      w.emit('video', VMS, line);
    }
    const line = videoLine(w.clock(VMS), 'info', VMS, 'storage status', {
      storage_used_pct: video.storageUsedPct.toFixed(1),
      retention_days: 30,
      recording: video.camerasOnline,
    });
    w.emit('video', VMS, line);
    w.after(60 * S, storage);
  };
  w.after(w.rng.uniform(0, 60) * S, storage);
}

function heartbeat(w: World, subsystem: Subsystem, component: string, video: VideoState, temp: number): void {
  const line = heartbeatLine(w, subsystem, component, video, temp);
  if (line === undefined) return;
  const e = w.emit(subsystem, component, line);
  if (e.unlogged) return;
  const truth: HeartbeatTruth = {
    kind: 'heartbeat',
    subsystem,
    component,
    ts: truthTs(e.writtenUs),
    true_ts: truthTs(w.now),
  };
  if (e.corrupt) truth.corrupt = true;
  else w.health.heartbeat(component, w.now);
  w.out.truth(truth);
  w.stats.heartbeats++;
}

function heartbeatLine(
  w: World,
  subsystem: Subsystem,
  component: string,
  video: VideoState,
  temp: number,
): string | undefined {
  const now = w.clock(component);
  const uptimeS = (w.now - (w.bootedAt.get(component) ?? w.now)) / S;
  switch (subsystem) {
    case 'sensors':
      return sensorLine({
        us: now,
        component,
        action: 'HEARTBEAT',
        state: 'ok',
        text: sensorHeartbeatText(uptimeS, temp + w.rng.uniform(-0.5, 0.5)),
      });
    case 'gateway': {
      if (w.gateways.isDown(component)) return undefined;
      const role = w.gateways.active === component ? 'active' : 'standby';
      const fields = {
        role,
        uplink: w.alarmServers.active,
        queue_depth: role === 'active' ? w.rng.int(0, 2) : 0,
        msg: 'heartbeat',
      };
      return gatewayLine(now, 'info', component, 'heartbeat', fields);
    }
    case 'alarm-server': {
      if (w.alarmServers.isDown(component)) return undefined;
      const role = w.alarmServers.active === component ? 'active' : 'standby';
      return alarmServerLine({
        us: now,
        severity: 'info',
        host: component,
        procid: w.pids.get(component)!,
        msgid: 'HEARTBEAT',
        sdId: 'hb',
        params: { role, open_alarms: w.openAlarms },
        message: 'heartbeat',
      });
    }
    case 'video':
      return videoLine(now, 'info', component, 'heartbeat', {
        cameras_online: video.camerasOnline,
        cameras_total: CAMERAS,
      });
    case 'console': {
      const operator = operatorOn(component, w.now);
      const heap = w.rng.int(380, 620);
      const msg = `alive operator=${operator} open_alarms=${w.openAlarms} heap_used_mb=${heap}`;
      return consoleRecord(now, 'INFO', component, 'Heartbeat', msg);
    }
  }
}
