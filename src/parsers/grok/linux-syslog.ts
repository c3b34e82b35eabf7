// Syslog lines as files hold them: BSD-style `Mon dd hh:mm:ss host prog[pid]: message` (also with
// an ISO 8601 time), pam session and cron lines, and RFC 5424 `<pri>1 time host app procid msgid sd
// message`.
import type { PatternFamily } from './library.ts';

const r = String.raw;

/** A quoted SD-PARAM value: `"` ... `"` with \" \\ \] escapes. */
const SD_VALUE = r`"[^"\\]*(?:\\.[^"\\]*)*"`;
/** RFC 5424 SD-ELEMENTs: `[id name="value" ...]`, one or more, quoted values may contain `]`. */
const SD_ELEMENTS = r`(?:\[[^\]"\\]*(?:(?:\\.|${SD_VALUE})[^\]"\\]*)*\])+`;

export const linuxSyslog: PatternFamily = {
  common: {
    SYSLOG5424PRINTASCII: '[!-~]+',
    SYSLOG5424SD: SD_ELEMENTS,
    CRON_ACTION: '[A-Z ]+',
  },
  legacy: {
    SYSLOGBASE2:
      '(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp8601}) (?:%{SYSLOGFACILITY} )?%{SYSLOGHOST:logsource}(?: %{SYSLOGPROG}:)?',
    SYSLOGLINE: '%{SYSLOGBASE2} %{GREEDYDATA:message}',
    SYSLOGPAMSESSION: r`%{SYSLOGBASE} (?=%{GREEDYDATA:message})%{WORD:pam_module}\(%{DATA:pam_caller}\): session %{WORD:pam_session_state} for user %{USERNAME:username}(?: by %{GREEDYDATA:pam_by})?`,
    CRONLOG: r`%{SYSLOGBASE} \(%{USER:user}\) %{CRON_ACTION:action} \(%{DATA:message}\)`,
    SYSLOG5424PRI: '<%{NONNEGINT:syslog5424_pri}>',
    SYSLOG5424BASE:
      '%{SYSLOG5424PRI}%{NONNEGINT:syslog5424_ver} +(?:-|%{TIMESTAMP_ISO8601:syslog5424_ts}) +(?:-|%{IPORHOST:syslog5424_host}) +(?:-|%{SYSLOG5424PRINTASCII:syslog5424_app}) +(?:-|%{SYSLOG5424PRINTASCII:syslog5424_proc}) +(?:-|%{SYSLOG5424PRINTASCII:syslog5424_msgid}) +(?:-|%{SYSLOG5424SD:syslog5424_sd})?',
    SYSLOG5424LINE: '%{SYSLOG5424BASE} +%{GREEDYDATA:syslog5424_msg}',
  },
  ecs: {
    SYSLOGBASE2:
      '(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp})(?: %{SYSLOGFACILITY})?(?: %{SYSLOGHOST:[host][hostname]})?(?: %{SYSLOGPROG}:)?',
    SYSLOGLINE: '%{SYSLOGBASE2} %{GREEDYDATA:message}',
    SYSLOGPAMSESSION: r`%{SYSLOGBASE} (?=%{GREEDYDATA:message})%{WORD:[system][auth][pam][module]}\(%{DATA:[system][auth][pam][origin]}\): session %{WORD:[system][auth][pam][session_state]} for user %{USERNAME:[user][name]}(?: by %{GREEDYDATA})?`,
    CRONLOG: r`%{SYSLOGBASE} \(%{USER:[user][name]}\) %{CRON_ACTION:[system][cron][action]} \(%{DATA:message}\)`,
    SYSLOG5424PRI: '<%{NONNEGINT:[log][syslog][priority]:int}>',
    // A numeric PROCID becomes an int [process][pid]; any other one is kept as text there.
    SYSLOG5424BASE:
      '%{SYSLOG5424PRI}%{NONNEGINT:[system][syslog][version]} +(?:-|%{TIMESTAMP_ISO8601:timestamp}) +(?:-|%{IPORHOST:[host][hostname]}) +(?:-|%{SYSLOG5424PRINTASCII:[process][name]}) +(?:-|%{POSINT:[process][pid]:int}(?= )|%{SYSLOG5424PRINTASCII:[process][pid]}) +(?:-|%{SYSLOG5424PRINTASCII:[event][code]}) +(?:-|%{SYSLOG5424SD:[system][syslog][structured_data]})?',
    SYSLOG5424LINE: '%{SYSLOG5424BASE} +%{GREEDYDATA:message}',
  },
};
