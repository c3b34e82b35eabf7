// Plausible Java stack traces for the operator console: an exception, tab-indented frames, and
// sometimes a `Caused by:` section ending in `... N more`, as the JVM prints them.
import type { Random } from '../random.ts';

const FAILURES = [
  { where: 'VideoPanel', exception: 'java.lang.IllegalStateException', message: 'decoder not initialised' },
  {
    where: 'MapView',
    exception: 'java.lang.NullPointerException',
    message: 'Cannot invoke "Layer.getBounds()" because "layer" is null',
  },
  { where: 'PresenceService', exception: 'java.util.ConcurrentModificationException', message: '' },
  {
    where: 'VideoPanel',
    exception: 'com.example.console.video.StreamException',
    message: 'RTSP session timed out',
  },
] as const;

const CAUSES = [
  { exception: 'java.io.IOException', message: 'Connection reset by peer' },
  { exception: 'java.net.SocketTimeoutException', message: 'Read timed out' },
] as const;

const FRAMES = [
  'com.example.console.ui.EventPump.dispatch(EventPump.java:118)',
  'com.example.console.ui.Screen.refresh(Screen.java:64)',
  'java.base/java.util.ArrayList$Itr.next(ArrayList.java:1052)',
  'java.desktop/java.awt.EventQueue.dispatchEventImpl(EventQueue.java:773)',
  'java.desktop/java.awt.EventDispatchThread.pumpEvents(EventDispatchThread.java:117)',
  'java.base/java.lang.Thread.run(Thread.java:1583)',
];

const frameOf = (where: string, rng: Random): string => {
  const pkg = where === 'VideoPanel' ? 'video' : where === 'MapView' ? 'map' : 'presence';
  return `com.example.console.${pkg}.${where}.update(${where}.java:${rng.int(40, 400)})`;
};

export interface StackFailure {
  /** Logger (class) that reports the failure. */
  logger: string;
  /** The log message on the record's first line. */
  message: string;
  exception: string;
  stack: string;
}

export function stackFailure(rng: Random): StackFailure {
  const f = rng.pick(FAILURES);
  const lines = [f.message ? `${f.exception}: ${f.message}` : f.exception, `\tat ${frameOf(f.where, rng)}`];
  const depth = rng.int(2, 5);
  for (let i = 0; i < depth; i++) lines.push(`\tat ${FRAMES[i]}`);
  if (rng.chance(0.5)) {
    const c = rng.pick(CAUSES);
    lines.push(`Caused by: ${c.exception}: ${c.message}`);
    lines.push(`\tat com.example.console.net.Channel.read(Channel.java:${rng.int(20, 200)})`);
    lines.push(`\t... ${depth} more`);
  }
  return {
    logger: f.where,
    message: `Unhandled error in ${f.where}`,
    exception: f.exception,
    stack: lines.join('\n'),
  };
}
