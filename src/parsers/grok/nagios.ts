// Nagios (and Icinga 1) log lines: `[epoch] TYPE: field;field;...`. Both namings share one
// template; only the captured names differ. Fields between semicolons are matched as `[^;]*`
// rather than DATA, so a line with too few fields fails at once.
import type { PatternFamily, Patterns } from './library.ts';

interface Names {
  time: string;
  type: string;
  host: string;
  service: string;
  state: string;
  /** CURRENT ... STATE lines: state type and attempt. */
  currentStateType: string;
  currentAttempt: string;
  /** ALERT and EVENT HANDLER lines. */
  alertStateType: string;
  alertAttempt: string;
  message: string;
  notifyUser: string;
  notifyCommand: string;
  comment: string;
  handler: string;
  periodFrom: string;
  periodTo: string;
  command: string;
  checkResult: string;
  startTime: string;
  endTime: string;
  fixed: string;
  triggerId: string;
  duration: string;
  author: string;
  downtimeComment: string;
}

const TYPES = [
  'CURRENT_SERVICE_STATE',
  'CURRENT_HOST_STATE',
  'SERVICE_NOTIFICATION',
  'HOST_NOTIFICATION',
  'SERVICE_ALERT',
  'HOST_ALERT',
  'SERVICE_FLAPPING_ALERT',
  'HOST_FLAPPING_ALERT',
  'SERVICE_DOWNTIME_ALERT',
  'HOST_DOWNTIME_ALERT',
  'PASSIVE_SERVICE_CHECK',
  'PASSIVE_HOST_CHECK',
  'SERVICE_EVENT_HANDLER',
  'HOST_EVENT_HANDLER',
  'EXTERNAL_COMMAND',
  'TIMEPERIOD_TRANSITION',
];

/** External commands with the fields that follow them (host only, host + service, ...). */
const COMMANDS: Record<
  string,
  'svc' | 'host' | 'hostRest' | 'svcRest' | 'svcResult' | 'hostResult' | 'downtime'
> = {
  DISABLE_SVC_CHECK: 'svc',
  ENABLE_SVC_CHECK: 'svc',
  DISABLE_HOST_CHECK: 'host',
  ENABLE_HOST_CHECK: 'host',
  PROCESS_SERVICE_CHECK_RESULT: 'svcResult',
  PROCESS_HOST_CHECK_RESULT: 'hostResult',
  SCHEDULE_SERVICE_DOWNTIME: 'downtime',
  SCHEDULE_HOST_DOWNTIME: 'downtime',
  DISABLE_HOST_SVC_NOTIFICATIONS: 'hostRest',
  ENABLE_HOST_SVC_NOTIFICATIONS: 'hostRest',
  DISABLE_HOST_NOTIFICATIONS: 'hostRest',
  ENABLE_HOST_NOTIFICATIONS: 'hostRest',
  DISABLE_SVC_NOTIFICATIONS: 'svcRest',
  ENABLE_SVC_NOTIFICATIONS: 'svcRest',
};

function nagiosPatterns(n: Names): Patterns {
  const f = (name: string) => `(?<${name}>[^;]*)`;
  const rest = (name: string) => `%{GREEDYDATA:${name}}`;
  const line = (type: string, ...fields: string[]) => `%{NAGIOS_TYPE_${type}:${n.type}}: ${fields.join(';')}`;
  const p: Record<string, string> = {
    NAGIOSTIME: `\\[%{NUMBER:${n.time}}\\]`,
    NAGIOS_WARNING: `Warning:%{SPACE}${rest(n.message)}`,
    NAGIOS_CURRENT_SERVICE_STATE: line(
      'CURRENT_SERVICE_STATE',
      f(n.host),
      f(n.service),
      f(n.state),
      f(n.currentStateType),
      `%{INT:${n.currentAttempt}}`,
      rest(n.message),
    ),
    NAGIOS_CURRENT_HOST_STATE: line(
      'CURRENT_HOST_STATE',
      f(n.host),
      f(n.state),
      f(n.currentStateType),
      `%{INT:${n.currentAttempt}}`,
      rest(n.message),
    ),
    NAGIOS_SERVICE_NOTIFICATION: line(
      'SERVICE_NOTIFICATION',
      f(n.notifyUser),
      f(n.host),
      f(n.service),
      f(n.state),
      f(n.notifyCommand),
      rest(n.message),
    ),
    NAGIOS_HOST_NOTIFICATION: line(
      'HOST_NOTIFICATION',
      f(n.notifyUser),
      f(n.host),
      f(n.state),
      f(n.notifyCommand),
      rest(n.message),
    ),
    NAGIOS_SERVICE_ALERT: line(
      'SERVICE_ALERT',
      f(n.host),
      f(n.service),
      f(n.state),
      f(n.alertStateType),
      `%{INT:${n.alertAttempt}}`,
      rest(n.message),
    ),
    NAGIOS_HOST_ALERT: line(
      'HOST_ALERT',
      f(n.host),
      f(n.state),
      f(n.alertStateType),
      `%{INT:${n.alertAttempt}}`,
      rest(n.message),
    ),
    NAGIOS_SERVICE_FLAPPING_ALERT: line(
      'SERVICE_FLAPPING_ALERT',
      f(n.host),
      f(n.service),
      f(n.state),
      rest(n.message),
    ),
    NAGIOS_HOST_FLAPPING_ALERT: line('HOST_FLAPPING_ALERT', f(n.host), f(n.state), rest(n.message)),
    NAGIOS_SERVICE_DOWNTIME_ALERT: line(
      'SERVICE_DOWNTIME_ALERT',
      f(n.host),
      f(n.service),
      f(n.state),
      rest(n.comment),
    ),
    NAGIOS_HOST_DOWNTIME_ALERT: line('HOST_DOWNTIME_ALERT', f(n.host), f(n.state), rest(n.comment)),
    NAGIOS_PASSIVE_SERVICE_CHECK: line(
      'PASSIVE_SERVICE_CHECK',
      f(n.host),
      f(n.service),
      f(n.state),
      rest(n.comment),
    ),
    NAGIOS_PASSIVE_HOST_CHECK: line('PASSIVE_HOST_CHECK', f(n.host), f(n.state), rest(n.comment)),
    NAGIOS_SERVICE_EVENT_HANDLER: line(
      'SERVICE_EVENT_HANDLER',
      f(n.host),
      f(n.service),
      f(n.state),
      f(n.alertStateType),
      f(n.handler),
    ),
    NAGIOS_HOST_EVENT_HANDLER: line(
      'HOST_EVENT_HANDLER',
      f(n.host),
      f(n.state),
      f(n.alertStateType),
      f(n.handler),
    ),
    NAGIOS_TIMEPERIOD_TRANSITION: line(
      'TIMEPERIOD_TRANSITION',
      f(n.service),
      `%{NUMBER:${n.periodFrom}}`,
      `%{NUMBER:${n.periodTo}}`,
    ),
  };
  for (const type of TYPES) p[`NAGIOS_TYPE_${type}`] = type.replaceAll('_', ' ');
  const lines = Object.keys(p).filter((k) => !k.startsWith('NAGIOS_TYPE_') && k !== 'NAGIOSTIME');
  for (const [command, shape] of Object.entries(COMMANDS)) {
    p[`NAGIOS_EC_${command}`] = command;
    const head = `%{NAGIOS_EC_${command}:${n.command}}`;
    const fields = {
      svc: [f(n.host), f(n.service)],
      host: [f(n.host)],
      hostRest: [rest(n.host)],
      svcRest: [f(n.host), rest(n.service)],
      svcResult: [f(n.host), f(n.service), f(n.state), rest(n.checkResult)],
      hostResult: [f(n.host), f(n.state), rest(n.checkResult)],
      downtime: [
        f(n.host),
        ...(command === 'SCHEDULE_SERVICE_DOWNTIME' ? [f(n.service)] : []),
        `%{NUMBER:${n.startTime}}`,
        `%{NUMBER:${n.endTime}}`,
        `%{NUMBER:${n.fixed}}`,
        `%{NUMBER:${n.triggerId}}`,
        `%{NUMBER:${n.duration}}`,
        f(n.author),
        rest(n.downtimeComment),
      ],
    }[shape];
    p[`NAGIOS_EC_LINE_${command}`] = line('EXTERNAL_COMMAND', head, ...fields);
    lines.push(`NAGIOS_EC_LINE_${command}`);
  }
  p.NAGIOSLOGLINE = `%{NAGIOSTIME} (?:${lines.map((l) => `%{${l}}`).join('|')})`;
  return p;
}

export const nagios: PatternFamily = {
  common: {},
  legacy: nagiosPatterns({
    time: 'nagios_epoch',
    type: 'nagios_type',
    host: 'nagios_hostname',
    service: 'nagios_service',
    state: 'nagios_state',
    currentStateType: 'nagios_statetype',
    currentAttempt: 'nagios_statecode',
    alertStateType: 'nagios_statelevel',
    alertAttempt: 'nagios_attempt',
    message: 'nagios_message',
    notifyUser: 'nagios_notifyname',
    notifyCommand: 'nagios_contact',
    comment: 'nagios_comment',
    handler: 'nagios_event_handler_name',
    periodFrom: 'nagios_unknown1',
    periodTo: 'nagios_unknown2',
    command: 'nagios_command',
    checkResult: 'nagios_check_result',
    startTime: 'nagios_start_time',
    endTime: 'nagios_end_time',
    fixed: 'nagios_fixed',
    triggerId: 'nagios_trigger_id',
    duration: 'nagios_duration',
    author: 'author',
    downtimeComment: 'comment',
  }),
  ecs: nagiosPatterns({
    time: 'timestamp',
    type: '[nagios][log][type]',
    host: '[host][hostname]',
    service: '[service][name]',
    state: '[service][state]',
    currentStateType: '[nagios][log][state_type]',
    currentAttempt: '[nagios][log][attempt]:int',
    alertStateType: '[nagios][log][state_type]',
    alertAttempt: '[nagios][log][attempt]:int',
    message: 'message',
    notifyUser: '[user][name]',
    notifyCommand: '[nagios][log][notification_command]',
    comment: '[nagios][log][comment]',
    handler: '[nagios][log][event_handler_name]',
    periodFrom: '[nagios][log][period_from]:int',
    periodTo: '[nagios][log][period_to]:int',
    command: '[nagios][log][command]',
    checkResult: '[nagios][log][check_result]',
    startTime: '[nagios][log][start_time]',
    endTime: '[nagios][log][end_time]',
    fixed: '[nagios][log][fixed]',
    triggerId: '[nagios][log][trigger_id]',
    duration: '[nagios][log][duration]:int',
    author: '[user][name]',
    downtimeComment: '[nagios][log][comment]',
  }),
};
