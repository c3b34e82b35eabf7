// The alarm path, hop by hop: a sensor raises an event (evt) -> the active gateway forwards it as
// alarm_ref -> the active alarm server raises an alarm_id and dispatches it -> the video system
// bookmarks a clip and the zone's console displays it (in parallel) -> the operator acknowledges
// -> the alarm server records the ack and clears the alarm. A small share of alarms is lost at
// one hop, and a stalled console drops what it should display; the truth records which step went
// missing where, and every hop on the edge that carried it.
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
  REQUIRED_STEPS,
  SENSORS,
  type Subsystem,
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
  /** The gateway that forwarded it and the alarm server that dispatched it (edges). */
  gateway: string;
  server: string;
  /** Who saw it: the operator on duty when it was displayed. */
  operator: string;
  displayedAt: number;
}

/** A Poisson process of alarms whose rate follows the storms: redrawn at every change of rate. */
export function startAlarms(w: World): void {
  if (w.opts.ratePerSecond <= 0) return;
  const next = (): void => {
    const waitUs = w.rng.exponential(w.alarmRate()) * S;
    const change = w.faults.nextRateChange(w.now);
    // The process is memoryless, so drawing afresh at the change keeps it exact.
    if (w.now + waitUs > change) w.after(change - w.now, next);
    else
      w.after(waitUs, () => {
        raise(w);
        next();
      });
  };
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
      console: sensor.console,
      steps: [],
      lost_at: rng.chance(w.opts.lossRate) ? rng.pick(HOPS) : null,
      status: 'in_flight',
      outcome: 'in_flight',
      missing: [],
      stuck_from: null,
      lost_from: null,
      e2e_us: null,
    },
    pending: 0,
    times: new Map(),
    sensor,
    zoneN,
    input,
    kindText: kind.text,
    gateway: '',
    server: '',
    operator: '',
    displayedAt: 0,
  };
  w.flows.add(flow);
  w.stats.alarms++;
  const line = sensorLine({
    us: w.clock(sensor.id),
    component: sensor.id,
    action: 'ALARM',
    evt,
    zone,
    input,
    state: 'active',
    text: kind.text,
  });
  w.step(flow, 'sensors', sensor.id, 'sensor.alarm', w.emit('sensors', sensor.id, line), {
    evt: String(evt),
  });
  w.track(flow, rng.uniform(5, 90) * S, () => restore(w, flow));
  if (lostHere(w, flow, 'gateway')) {
    missing(flow, 'gateway.forwarded', 'gateway', w.gateways.active, 'sensor.alarm');
    return;
  }
  w.track(flow, rng.uniform(5, 80) * MS, () => forward(w, flow, 1));
}

function restore(w: World, f: AlarmFlow): void {
  const line = sensorLine({
    us: w.clock(f.sensor.id),
    component: f.sensor.id,
    action: 'RESTORE',
    evt: Number(f.truth.evt),
    zone: f.truth.zone,
    input: f.input,
    state: 'normal',
    text: 'zone restored',
  });
  const e = w.emit('sensors', f.sensor.id, line);
  w.step(f, 'sensors', f.sensor.id, 'sensor.restore', e, { evt: f.truth.evt });
}

/** Marks the flow lost when this is the hop it dies at. */
function lostHere(w: World, f: AlarmFlow, hop: LostAt): boolean {
  if (f.truth.lost_at !== hop) return false;
  w.stats.lost++;
  w.stats.lostAt[hop] = (w.stats.lostAt[hop] ?? 0) + 1;
  if (hop !== 'video') f.truth.status = 'lost';
  return true;
}

/** The console dropped the alarm (stalled): lost there, even if video had lost it already. */
function lostAtConsole(w: World, f: AlarmFlow): void {
  const before = f.truth.lost_at;
  if (before === null) w.stats.lost++;
  else w.stats.lostAt[before]!--;
  w.stats.lostAt.console = (w.stats.lostAt.console ?? 0) + 1;
  f.truth.lost_at = 'console';
  f.truth.status = 'lost';
}

function missing(f: AlarmFlow, step: string, subsystem: Subsystem, component: string, after: string): void {
  const required = (REQUIRED_STEPS as readonly string[]).includes(step);
  f.truth.missing.push({ step, subsystem, component, after, required });
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
  const line = gatewayLine(w.clock(gw), 'info', gw, 'alarm.forwarded', {
    sensor: f.sensor.id,
    evt: f.truth.evt,
    alarm_ref: f.truth.alarm_ref,
    target,
    attempt,
    msg,
  });
  f.gateway = gw;
  const e = w.emit('gateway', gw, line);
  w.step(f, 'gateway', gw, 'gateway.forwarded', e, { evt: f.truth.evt, alarm_ref: f.truth.alarm_ref });
  w.edges.hop(f.sensor.id, gw, 'sensor.alarm', 'gateway.forwarded', w.now);
  if (lostHere(w, f, 'alarm-server')) {
    missing(f, 'alarm.raised', 'alarm-server', target, 'gateway.forwarded');
    return;
  }
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
    us: w.clock(server),
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
    const e = w.emit('alarm-server', server, line);
    w.step(f, 'alarm-server', server, 'alarm.raised', e, { alarm_ref: f.truth.alarm_ref, alarm_id: id });
    w.edges.hop(f.gateway, server, 'gateway.forwarded', 'alarm.raised', w.now);
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
    f.server = server;
    const e = w.emit('alarm-server', server, line);
    w.step(f, 'alarm-server', server, 'alarm.dispatched', e, { alarm_id: f.truth.alarm_id! });
    if (lostHere(w, f, 'video')) missing(f, 'video.bookmark', 'video', VMS, 'alarm.dispatched');
    else w.track(f, w.rng.uniform(100, 2000) * MS, () => bookmark(w, f));
    // An alarm that never reaches its console is never acknowledged: it stays open for good.
    if (lostHere(w, f, 'console')) missing(f, 'console.displayed', 'console', consoleId, 'alarm.dispatched');
    else w.track(f, w.rng.uniform(100, 2000) * MS, () => display(w, f));
  });
}

function bookmark(w: World, f: AlarmFlow): void {
  const camera = cameraOf(f.sensor, f.zoneN);
  const stamp = isoUtc(w.clock(VMS)).replace(/[-:]/g, '').slice(0, 15);
  const line = videoLine(w.clock(VMS), 'info', VMS, 'bookmark created', {
    alarm_id: f.truth.alarm_id!,
    camera,
    clip: `${stamp}Z_${camera}_${f.truth.alarm_id}.mp4`,
    pre_s: 10,
    post_s: 30,
  });
  w.step(f, 'video', VMS, 'video.bookmark', w.emit('video', VMS, line), { alarm_id: f.truth.alarm_id! });
  w.edges.hop(f.server, VMS, 'alarm.dispatched', 'video.bookmark', w.now);
}

function display(w: World, f: AlarmFlow): void {
  const c = f.sensor.console;
  if (w.stalled.has(c)) {
    // The hung UI never shows it, and drops it when the watchdog restarts the UI.
    lostAtConsole(w, f);
    missing(f, 'console.displayed', 'console', c, 'alarm.dispatched');
    w.faults.note('console-stall', 'alarms_not_displayed');
    return;
  }
  f.operator = operatorOn(c, w.now);
  const msg = `Displayed alarm ${f.truth.alarm_id} to operator ${f.operator} (prio ${f.truth.prio}, zone ${f.truth.zone})`;
  const e = w.emit('console', c, consoleRecord(w.clock(c), 'INFO', c, 'AlarmView', msg));
  w.step(f, 'console', c, 'console.displayed', e, { alarm_id: f.truth.alarm_id! });
  w.edges.hop(f.server, c, 'alarm.dispatched', 'console.displayed', w.now);
  f.displayedAt = w.now;
  w.track(f, w.rng.uniform(2, 30) * S, () => acknowledge(w, f));
}

function acknowledge(w: World, f: AlarmFlow): void {
  const c = f.sensor.console;
  const stallEnd = w.stalled.get(c);
  if (stallEnd !== undefined) {
    // A frozen screen takes no clicks: the operator acknowledges once the UI is back.
    w.faults.note('console-stall', 'acks_delayed');
    w.track(f, stallEnd - w.now + w.rng.uniform(2, 30) * S, () => acknowledge(w, f));
    return;
  }
  const after = ((w.now - f.displayedAt) / S).toFixed(1);
  const msg = `Alarm ${f.truth.alarm_id} acknowledged by operator ${f.operator} after ${after} s`;
  const e = w.emit('console', c, consoleRecord(w.clock(c), 'INFO', c, 'AckHandler', msg));
  w.step(f, 'console', c, 'console.acknowledged', e, { alarm_id: f.truth.alarm_id! });
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
    const e = w.emit('alarm-server', server, line);
    w.step(f, 'alarm-server', server, 'alarm.acknowledged', e, { alarm_id: f.truth.alarm_id! });
    w.edges.hop(f.sensor.console, server, 'console.acknowledged', 'alarm.acknowledged', w.now);
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
    const e = w.emit('alarm-server', server, line);
    w.step(f, 'alarm-server', server, 'alarm.cleared', e, { alarm_id: f.truth.alarm_id! });
    w.openAlarms--;
    w.stats.cleared++;
    f.truth.status = 'cleared';
  });
}
