// The alarm path, hop by hop: a sensor raises an event (evt) -> the active gateway forwards it as
// alarm_ref -> the active alarm server raises an alarm_id and dispatches it -> the video system
// bookmarks a clip and the zone's console displays it (in parallel) -> the operator acknowledges
// -> the alarm server records the ack and clears the alarm. A small share of alarms is lost at
// one hop; the truth records which.
import { alarmIdOf, alarmServerLine } from './formats/alarm-server.ts';
import { consoleRecord } from './formats/console.ts';
import { alarmRef, gatewayLine } from './formats/gateway.ts';
import { sensorLine } from './formats/sensors.ts';
import { isoUtc } from './formats/time.ts';
import { videoLine } from './formats/video.ts';
import {
  cameraOf,
  INPUTS_PER_ZONE,
  operatorOn,
  SENSORS,
  VMS,
  ZONES_PER_SENSOR,
  zoneName,
} from './topology.ts';
import type { LostAt } from './truth.ts';
import type { Flow, World } from './world.ts';

const MS = 1000;
const S = 1_000_000;

const ALARM_KINDS = [
  { text: 'intrusion detected', prio: 2 },
  { text: 'door forced open', prio: 1 },
  { text: 'glass break', prio: 1 },
  { text: 'door held open', prio: 3 },
  { text: 'motion in secured area', prio: 2 },
] as const;

const HOPS: LostAt[] = ['gateway', 'alarm-server', 'video', 'console'];

interface AlarmFlow extends Flow {
  sensor: (typeof SENSORS)[number];
  zoneN: number;
  input: number;
  kindText: string;
  /** Who saw it: the operator on duty when it was displayed. */
  operator: string;
  displayedAt: number;
}

export function startAlarms(w: World): void {
  if (w.opts.ratePerSecond <= 0) return;
  const next = (): void =>
    w.after(w.rng.exponential(w.opts.ratePerSecond) * S, () => {
      raise(w);
      next();
    });
  next();
}

function raise(w: World): void {
  const { rng } = w;
  const sensor = rng.pick(SENSORS);
  const zoneN = rng.int(1, ZONES_PER_SENSOR);
  const input = (zoneN - 1) * INPUTS_PER_ZONE + rng.int(1, INPUTS_PER_ZONE);
  const kind = rng.pick(ALARM_KINDS);
  const evt = w.ids.evt();
  const zone = zoneName(sensor, zoneN);
  const flow: AlarmFlow = {
    truth: {
      kind: 'alarm',
      evt: String(evt),
      alarm_ref: alarmRef(sensor.id, evt),
      alarm_id: null,
      sensor: sensor.id,
      zone,
      prio: kind.prio,
      steps: [],
      lost_at: rng.chance(w.opts.lossRate) ? rng.pick(HOPS) : null,
      status: 'in_flight',
    },
    pending: 0,
    sensor,
    zoneN,
    input,
    kindText: kind.text,
    operator: '',
    displayedAt: 0,
  };
  w.flows.add(flow);
  w.stats.alarms++;
  const line = sensorLine({
    us: w.now,
    component: sensor.id,
    action: 'ALARM',
    evt,
    zone,
    input,
    state: 'active',
    text: kind.text,
  });
  w.step(flow, 'sensors', sensor.id, 'sensor.alarm', w.emit('sensors', sensor.id, line));
  w.track(flow, rng.uniform(5, 90) * S, () => restore(w, flow));
  if (lostHere(w, flow, 'gateway')) return;
  w.track(flow, rng.uniform(5, 80) * MS, () => forward(w, flow, 1));
}

function restore(w: World, f: AlarmFlow): void {
  const line = sensorLine({
    us: w.now,
    component: f.sensor.id,
    action: 'RESTORE',
    evt: Number(f.truth.evt),
    zone: f.truth.zone,
    input: f.input,
    state: 'normal',
    text: 'zone restored',
  });
  w.step(f, 'sensors', f.sensor.id, 'sensor.restore', w.emit('sensors', f.sensor.id, line));
}

/** Marks the flow lost when this is the hop it dies at. */
function lostHere(w: World, f: AlarmFlow, hop: LostAt): boolean {
  if (f.truth.lost_at !== hop) return false;
  w.stats.lost++;
  w.stats.lostAt[hop] = (w.stats.lostAt[hop] ?? 0) + 1;
  if (hop !== 'video') f.truth.status = 'lost';
  return true;
}

function forward(w: World, f: AlarmFlow, attempt: number): void {
  const gw = w.gateways.handler();
  if (!gw) {
    // Nobody active: the controller retries until the standby has taken over.
    w.track(f, w.gateways.resumeAt! - w.now + w.rng.uniform(5, 80) * MS, () => forward(w, f, attempt + 1));
    return;
  }
  const target = w.alarmServers.active;
  const msg = `forwarded ${f.truth.alarm_ref} to ${target}`;
  const line = gatewayLine(w.now, 'info', gw, 'alarm.forwarded', {
    sensor: f.sensor.id,
    evt: f.truth.evt,
    alarm_ref: f.truth.alarm_ref,
    target,
    attempt,
    msg,
  });
  w.step(f, 'gateway', gw, 'gateway.forwarded', w.emit('gateway', gw, line));
  if (lostHere(w, f, 'alarm-server')) return;
  w.track(f, w.rng.uniform(20, 200) * MS, () => raiseAlarm(w, f));
}

/** Runs `fn` on the active alarm server, or retries after the takeover when there is none. */
function onServer(w: World, f: AlarmFlow, fn: (server: string) => void): void {
  const server = w.alarmServers.handler();
  if (server) fn(server);
  else w.track(f, w.alarmServers.resumeAt! - w.now + w.rng.uniform(20, 200) * MS, () => onServer(w, f, fn));
}

function serverLine(
  w: World,
  server: string,
  severity: 'warning' | 'notice' | 'info',
  msgid: string,
  params: Record<string, string | number>,
  message: string,
): string {
  return alarmServerLine({
    us: w.now,
    severity,
    host: server,
    procid: w.pids.get(server)!,
    msgid,
    sdId: 'alarm',
    params,
    message,
  });
}

function raiseAlarm(w: World, f: AlarmFlow): void {
  onServer(w, f, (server) => {
    const id = alarmIdOf(w.ids.alarm());
    f.truth.alarm_id = id;
    w.openAlarms++;
    const params = { alarm_id: id, alarm_ref: f.truth.alarm_ref, prio: f.truth.prio, zone: f.truth.zone };
    const line = serverLine(
      w,
      server,
      'warning',
      'ALARM',
      params,
      `Alarm raised: ${f.kindText} in zone ${f.truth.zone}`,
    );
    w.step(f, 'alarm-server', server, 'alarm.raised', w.emit('alarm-server', server, line));
    w.track(f, w.rng.uniform(1, 5) * MS, () => dispatch(w, f));
  });
}

function dispatch(w: World, f: AlarmFlow): void {
  onServer(w, f, (server) => {
    const consoleId = f.sensor.console;
    const params = { alarm_id: f.truth.alarm_id!, targets: `${VMS},${consoleId}` };
    const line = serverLine(
      w,
      server,
      'info',
      'DISPATCH',
      params,
      `Alarm ${f.truth.alarm_id} dispatched to ${VMS}, ${consoleId}`,
    );
    w.step(f, 'alarm-server', server, 'alarm.dispatched', w.emit('alarm-server', server, line));
    if (!lostHere(w, f, 'video')) w.track(f, w.rng.uniform(100, 2000) * MS, () => bookmark(w, f));
    if (!lostHere(w, f, 'console')) w.track(f, w.rng.uniform(100, 2000) * MS, () => display(w, f));
    // An alarm that never reaches its console is never acknowledged: it stays open for good.
  });
}

function bookmark(w: World, f: AlarmFlow): void {
  const camera = cameraOf(f.sensor, f.zoneN);
  const stamp = isoUtc(w.now).replace(/[-:]/g, '').slice(0, 15);
  const line = videoLine(w.now, 'info', VMS, 'bookmark created', {
    alarm_id: f.truth.alarm_id!,
    camera,
    clip: `${stamp}Z_${camera}_${f.truth.alarm_id}.mp4`,
    pre_s: 10,
    post_s: 30,
  });
  w.step(f, 'video', VMS, 'video.bookmark', w.emit('video', VMS, line));
}

function display(w: World, f: AlarmFlow): void {
  const c = f.sensor.console;
  f.operator = operatorOn(c, w.now);
  const msg = `Displayed alarm ${f.truth.alarm_id} to operator ${f.operator} (prio ${f.truth.prio}, zone ${f.truth.zone})`;
  w.step(
    f,
    'console',
    c,
    'console.displayed',
    w.emit('console', c, consoleRecord(w.now, 'INFO', c, 'AlarmView', msg)),
  );
  f.displayedAt = w.now;
  w.track(f, w.rng.uniform(2, 30) * S, () => acknowledge(w, f));
}

function acknowledge(w: World, f: AlarmFlow): void {
  const c = f.sensor.console;
  const after = ((w.now - f.displayedAt) / S).toFixed(1);
  const msg = `Alarm ${f.truth.alarm_id} acknowledged by operator ${f.operator} after ${after} s`;
  w.step(
    f,
    'console',
    c,
    'console.acknowledged',
    w.emit('console', c, consoleRecord(w.now, 'INFO', c, 'AckHandler', msg)),
  );
  w.track(f, w.rng.uniform(10, 150) * MS, () => serverAck(w, f));
}

function serverAck(w: World, f: AlarmFlow): void {
  onServer(w, f, (server) => {
    const params = { alarm_id: f.truth.alarm_id!, operator: f.operator, console: f.sensor.console };
    const line = serverLine(
      w,
      server,
      'notice',
      'ACK',
      params,
      `Alarm ${f.truth.alarm_id} acknowledged by ${f.operator}`,
    );
    w.step(f, 'alarm-server', server, 'alarm.acknowledged', w.emit('alarm-server', server, line));
    w.track(f, w.rng.uniform(5, 50) * MS, () => clear(w, f));
  });
}

function clear(w: World, f: AlarmFlow): void {
  onServer(w, f, (server) => {
    const line = serverLine(
      w,
      server,
      'notice',
      'CLEAR',
      { alarm_id: f.truth.alarm_id! },
      `Alarm ${f.truth.alarm_id} cleared`,
    );
    w.step(f, 'alarm-server', server, 'alarm.cleared', w.emit('alarm-server', server, line));
    w.openAlarms--;
    w.stats.cleared++;
    f.truth.status = 'cleared';
  });
}
