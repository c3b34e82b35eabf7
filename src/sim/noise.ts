// The everyday chatter around the alarm path, so the logs look like real ones and pattern mining
// has something to find: controller self-tests and line faults, gateway link statistics, database
// checkpoints, cameras dropping out, console shift changes, slow frames and Java stack traces.
import { alarmServerLine } from './formats/alarm-server.ts';
import { consoleRecord } from './formats/console.ts';
import { gatewayLine } from './formats/gateway.ts';
import { sensorLine } from './formats/sensors.ts';
import { stackFailure } from './formats/stack-trace.ts';
import { videoLine } from './formats/video.ts';
import type { VideoState } from './heartbeats.ts';
import {
  CAMERAS,
  CONSOLES,
  INPUTS_PER_ZONE,
  nextShiftAt,
  operatorOn,
  SENSORS,
  VMS,
  ZONES_PER_SENSOR,
  zoneName,
} from './topology.ts';
import type { World } from './world.ts';

const S = 1_000_000;
const MIN = 60 * S;

/** Calls `fn` at the times of a Poisson process with the given mean interval. */
function every(w: World, meanUs: number, fn: () => void): void {
  const next = (): void =>
    w.after(w.rng.exponential(1 / meanUs), () => {
      fn();
      next();
    });
  next();
}

export function startNoise(w: World, video: VideoState): void {
  for (const s of SENSORS) {
    every(w, 10 * MIN, () => {
      const line = sensorLine({
        us: w.clock(s.id),
        component: s.id,
        action: 'INFO',
        state: 'ok',
        text: 'self-test passed',
      });
      w.emit('sensors', s.id, line);
    });
    every(w, 120 * MIN, () => {
      const zoneN = w.rng.int(1, ZONES_PER_SENSOR);
      const input = (zoneN - 1) * INPUTS_PER_ZONE + w.rng.int(1, INPUTS_PER_ZONE);
      const zone = zoneName(s, zoneN);
      const text = w.rng.pick([
        'line supervision: open circuit',
        'line supervision: short circuit',
        'tamper contact open',
      ]);
      w.emit(
        'sensors',
        s.id,
        sensorLine({
          us: w.clock(s.id),
          component: s.id,
          action: 'FAULT',
          zone,
          input,
          state: 'fault',
          text,
        }),
      );
      w.after(w.rng.uniform(10, 300) * S, () => {
        const back = sensorLine({
          us: w.clock(s.id),
          component: s.id,
          action: 'INFO',
          zone,
          input,
          state: 'ok',
          text: 'fault cleared',
        });
        w.emit('sensors', s.id, back);
      });
    });
  }

  every(w, 1 * MIN, () => {
    const gw = w.gateways.handler();
    if (!gw) return;
    const fields = {
      sensors_connected: SENSORS.length,
      rx_per_min: w.rng.int(20, 400),
      msg: 'link statistics',
    };
    w.emit('gateway', gw, gatewayLine(w.clock(gw), 'debug', gw, 'link.stats', fields));
  });
  every(w, 20 * MIN, () => {
    const gw = w.gateways.handler();
    if (!gw) return;
    const sensor = w.rng.pick(SENSORS).id;
    const downMs = w.rng.int(200, 5000);
    const fields = { sensor, down_ms: downMs, msg: `sensor ${sensor} reconnected after ${downMs} ms` };
    w.emit('gateway', gw, gatewayLine(w.clock(gw), 'warn', gw, 'sensor.reconnect', fields));
  });

  every(w, 5 * MIN, () => {
    const server = w.alarmServers.handler();
    if (!server) return;
    const line = alarmServerLine({
      us: w.clock(server),
      severity: 'info',
      host: server,
      procid: w.pids.get(server)!,
      msgid: 'DB',
      sdId: 'sys',
      params: { duration_ms: w.rng.int(3, 90) },
      message: 'database checkpoint completed',
    });
    w.emit('alarm-server', server, line);
  });

  every(w, 15 * MIN, () => {
    const camera = `cam-${String(w.rng.int(1, CAMERAS)).padStart(2, '0')}`;
    video.camerasOnline--;
    w.emit('video', VMS, videoLine(w.clock(VMS), 'warn', VMS, 'camera stream lost', { camera }));
    w.after(w.rng.uniform(5, 120) * S, () => {
      video.camerasOnline++;
      w.emit('video', VMS, videoLine(w.clock(VMS), 'info', VMS, 'camera stream restored', { camera }));
    });
  });

  for (const c of CONSOLES) {
    every(w, 10 * MIN, () => {
      const f = stackFailure(w.rng);
      w.emit('console', c, consoleRecord(w.clock(c), 'ERROR', c, f.logger, f.message, f.stack));
    });
    every(w, 5 * MIN, () => {
      if (w.stalled.has(c)) return; // a hung UI renders no frames
      const ms = w.rng.int(250, 1500);
      w.emit(
        'console',
        c,
        consoleRecord(w.clock(c), 'WARN', c, 'RenderLoop', `Frame took ${ms} ms (budget 100 ms)`),
      );
    });
    const shift = (boundary: number): void => {
      w.after(boundary - w.now + w.rng.uniform(0, 5) * S, () => {
        const before = operatorOn(c, boundary - 1);
        const after = operatorOn(c, boundary);
        w.emit(
          'console',
          c,
          consoleRecord(w.clock(c), 'INFO', c, 'SessionManager', `Operator ${before} logged out`),
        );
        w.after(w.rng.uniform(20, 90) * S, () => {
          w.emit(
            'console',
            c,
            consoleRecord(w.clock(c), 'INFO', c, 'SessionManager', `Operator ${after} logged in`),
          );
        });
        shift(nextShiftAt(boundary));
      });
    };
    shift(nextShiftAt(w.now));
  }
}
