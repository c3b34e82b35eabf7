// Cisco ASA (and PIX/FWSM) syslog messages, one pattern per message id (`CISCOFW106023` is
// %ASA-4-106023), matched against the text after the `%ASA-n-nnnnnn: ` tag (CISCO_TAGGED_SYSLOG
// matches the tag). ECS naming puts the ACL hash codes under [@metadata], as Logstash does.
import type { PatternFamily } from './library.ts';

const r = String.raw;

/** Names that differ between the namings, so the patterns below are written once. */
interface Names {
  action: string;
  direction: string;
  protocol: string;
  srcIp: string;
  srcPort: string;
  dstIp: string;
  dstPort: string;
  /** A host name where an address may stand. */
  srcHost: string;
  dstHost: string;
  srcIf: string;
  dstIf: string;
  /** The single interface of messages that name one. */
  iface: string;
  srcUser: string;
  dstUser: string;
  reason: string;
  policy: string;
  flags: string;
  icmpType: string;
  icmpCode: string;
  hash1: string;
  hash2: string;
}

function ciscoPatterns(n: Names, own: Record<string, string>): Record<string, string> {
  const peer = (ip: string, port: string, user: string) =>
    r`%{IP:${ip}}/%{INT:${port}}(?:\(%{DATA:${user}}\))?`;
  return {
    CISCOFW106001: `%{CISCO_DIRECTION:${n.direction}} %{WORD:${n.protocol}} connection %{CISCO_ACTION:${n.action}} from %{IP:${n.srcIp}}/%{INT:${n.srcPort}} to %{IP:${n.dstIp}}/%{INT:${n.dstPort}} flags %{DATA:${n.flags}} on interface %{NOTSPACE:${n.iface}}`,
    CISCOFW106006_106007_106010: `%{CISCO_ACTION:${n.action}} %{CISCO_DIRECTION:${n.direction}} %{WORD:${n.protocol}} (?:from|src) ${peer(n.srcIp, n.srcPort, n.srcUser)} (?:to|dst) ${peer(n.dstIp, n.dstPort, n.dstUser)} (?:on interface %{NOTSPACE:${n.iface}}|due to %{CISCO_REASON:${n.reason}})`,
    CISCOFW106014: r`%{CISCO_ACTION:${n.action}} %{CISCO_DIRECTION:${n.direction}} %{WORD:${n.protocol}} src %{CISCO_SRC_IP_USER} dst %{CISCO_DST_IP_USER} ?\(type %{INT:${n.icmpType}}, code %{INT:${n.icmpCode}}\)`,
    CISCOFW106015: r`%{CISCO_ACTION:${n.action}} %{WORD:${n.protocol}} \(%{DATA:${n.policy}}\) from %{IP:${n.srcIp}}/%{INT:${n.srcPort}} to %{IP:${n.dstIp}}/%{INT:${n.dstPort}} flags %{DATA:${n.flags}} on interface %{NOTSPACE:${n.iface}}`,
    CISCOFW106021: `%{CISCO_ACTION:${n.action}} %{WORD:${n.protocol}} reverse path check from %{IP:${n.srcIp}} to %{IP:${n.dstIp}} on interface %{NOTSPACE:${n.iface}}`,
    CISCOFW106023: r`%{CISCO_ACTION:${n.action}}(?: protocol)? %{WORD:${n.protocol}} src %{CISCO_SRC_HOST_PORT_USER} dst %{CISCO_DST_HOST_PORT_USER}(?: \(type %{INT:${n.icmpType}}, code %{INT:${n.icmpCode}}\))? by access-group "?%{DATA:${n.policy}}"? \[%{DATA:${n.hash1}}, %{DATA:${n.hash2}}\]`,
    CISCOFW106100_2_3: r`access-list %{NOTSPACE:${n.policy}} %{CISCO_ACTION:${n.action}} %{WORD:${n.protocol}} for user '%{DATA:${n.srcUser}}' %{NOTSPACE:${n.srcIf}}/%{IP:${n.srcIp}}\(%{INT:${n.srcPort}}\) -> %{NOTSPACE:${n.dstIf}}/%{IP:${n.dstIp}}\(%{INT:${n.dstPort}}\) %{CISCO_HITCOUNT_INTERVAL} \[%{DATA:${n.hash1}}, %{DATA:${n.hash2}}\]`,
    CISCOFW106100: r`access-list %{NOTSPACE:${n.policy}} %{CISCO_ACTION:${n.action}} %{WORD:${n.protocol}} %{NOTSPACE:${n.srcIf}}/%{IP:${n.srcIp}}\(%{INT:${n.srcPort}}\)(?:\(%{DATA:${n.srcUser}}\))? -> %{NOTSPACE:${n.dstIf}}/%{IP:${n.dstIp}}\(%{INT:${n.dstPort}}\)(?:\(%{DATA:${n.dstUser}}\))? %{CISCO_HITCOUNT_INTERVAL} \[%{DATA:${n.hash1}}, %{DATA:${n.hash2}}\]`,
    CISCOFW313001_313004_313008: `%{CISCO_ACTION:${n.action}} %{WORD:${n.protocol}} type=%{INT:${n.icmpType}}, code=%{INT:${n.icmpCode}} from %{IP:${n.srcIp}} on interface %{NOTSPACE:${n.iface}}(?: to %{IP:${n.dstIp}})?`,
    CISCOFW419001: `%{CISCO_ACTION:${n.action}} %{WORD:${n.protocol}} packet from %{NOTSPACE:${n.srcIf}}:%{IP:${n.srcIp}}/%{INT:${n.srcPort}} to %{NOTSPACE:${n.dstIf}}:%{IP:${n.dstIp}}/%{INT:${n.dstPort}}, reason: %{GREEDYDATA:${n.reason}}`,
    CISCOFW419002: `%{CISCO_REASON:${n.reason}} from %{NOTSPACE:${n.srcIf}}:%{IP:${n.srcIp}}/%{INT:${n.srcPort}} to %{NOTSPACE:${n.dstIf}}:%{IP:${n.dstIp}}/%{INT:${n.dstPort}} with different initial sequence number`,
    CISCOFW500004: `%{CISCO_REASON:${n.reason}} for protocol=%{WORD:${n.protocol}}, from %{IP:${n.srcIp}}/%{INT:${n.srcPort}} to %{IP:${n.dstIp}}/%{INT:${n.dstPort}}`,
    CISCOFW110002: `%{CISCO_REASON:${n.reason}} for %{WORD:${n.protocol}} from %{NOTSPACE:${n.srcIf}}:%{IP:${n.srcIp}}/%{INT:${n.srcPort}} to %{IP:${n.dstIp}}/%{INT:${n.dstPort}}`,
    CISCOFW710001_710002_710003_710005_710006: `%{WORD:${n.protocol}} (?:request|access) %{CISCO_ACTION:${n.action}} from %{IP:${n.srcIp}}/%{INT:${n.srcPort}} to %{NOTSPACE:${n.dstIf}}:%{IP:${n.dstIp}}/%{INT:${n.dstPort}}`,
    CISCO_SRC_IP_USER: r`%{NOTSPACE:${n.srcIf}}:%{IP:${n.srcIp}}(?:\(%{DATA:${n.srcUser}}\))?`,
    CISCO_DST_IP_USER: r`%{NOTSPACE:${n.dstIf}}:%{IP:${n.dstIp}}(?:\(%{DATA:${n.dstUser}}\))?`,
    CISCO_SRC_HOST_PORT_USER: r`%{NOTSPACE:${n.srcIf}}:(?:%{IP:${n.srcIp}}|%{HOSTNAME:${n.srcHost}})(?:/%{INT:${n.srcPort}})?(?:\(%{DATA:${n.srcUser}}\))?`,
    CISCO_DST_HOST_PORT_USER: r`%{NOTSPACE:${n.dstIf}}:(?:%{IP:${n.dstIp}}|%{HOSTNAME:${n.dstHost}})(?:/%{INT:${n.dstPort}})?(?:\(%{DATA:${n.dstUser}}\))?`,
    ...own,
  };
}

const failover = (what: string, rest: string) => r`\((?:Primary|Secondary)\) ${what}${rest}`;

export const ciscoAsa: PatternFamily = {
  common: {
    CISCOTIMESTAMP: '%{MONTH} +%{MONTHDAY}(?: %{YEAR})? %{TIME}',
    CISCOTAG: '[A-Z0-9]+-%{INT}-[A-Z0-9_]+',
    CISCO_ACTION:
      'Built|Teardown|Deny|Denied|denied by ACL|denied|requested|permitted|discarded|est-allowed|Dropping|created|deleted',
    CISCO_REASON: r`Duplicate TCP SYN|Failed to locate egress interface|Invalid transport field|No matching connection|DNS Response|DNS Query|\w[\w-]*(?: \w[\w-]*)*`,
    CISCO_DIRECTION: 'Inbound|inbound|Outbound|outbound',
    CISCO_INTERVAL: 'first hit|%{INT}-second interval',
    CISCO_XLATE_TYPE: 'static|dynamic',
    CISCOFW104003: failover('Switching to FAILED', r`\.`),
    CISCOFW104004: failover('Switching to OK', r`\.`),
  },
  legacy: ciscoPatterns(
    {
      action: 'action',
      direction: 'direction',
      protocol: 'protocol',
      srcIp: 'src_ip',
      srcPort: 'src_port',
      dstIp: 'dst_ip',
      dstPort: 'dst_port',
      srcHost: 'src_ip',
      dstHost: 'dst_ip',
      srcIf: 'src_interface',
      dstIf: 'dst_interface',
      iface: 'interface',
      srcUser: 'src_fwuser',
      dstUser: 'dst_fwuser',
      reason: 'reason',
      policy: 'policy_id',
      flags: 'tcp_flags',
      icmpType: 'icmp_type',
      icmpCode: 'icmp_code',
      hash1: 'hashcode1',
      hash2: 'hashcode2',
    },
    {
      CISCO_TAGGED_SYSLOG:
        '^<%{POSINT:syslog_pri}>%{CISCOTIMESTAMP:timestamp}(?: %{SYSLOGHOST:sysloghost})? ?: %%{CISCOTAG:ciscotag}:',
      CISCO_HITCOUNT_INTERVAL: 'hit-cnt %{INT:hit_count} %{CISCO_INTERVAL:interval}',
      CISCOFW104001: failover('Switching to ACTIVE - ', '%{GREEDYDATA:switch_reason}'),
      CISCOFW104002: failover('Switching to STANDBY - ', '%{GREEDYDATA:switch_reason}'),
      CISCOFW105003: failover('Monitoring on [Ii]nterface ', '%{NOTSPACE:interface_name} waiting'),
      CISCOFW105004: failover('Monitoring on [Ii]nterface ', '%{NOTSPACE:interface_name} normal'),
      CISCOFW105005: failover(
        'Lost Failover communications with mate on [Ii]nterface ',
        '%{NOTSPACE:interface_name}',
      ),
      CISCOFW105008: failover('Testing [Ii]nterface ', '%{NOTSPACE:interface_name}'),
      CISCOFW105009: failover('Testing on [Ii]nterface ', '%{NOTSPACE:interface_name} (?:Passed|Failed)'),
      CISCOFW302010: '%{INT:connection_count} in use, %{INT:connection_count_max} most used',
      CISCOFW302013_302014_302015_302016: r`%{CISCO_ACTION:action}(?: %{CISCO_DIRECTION:direction})? %{WORD:protocol} connection %{INT:connection_id} for %{NOTSPACE:src_interface}:%{IP:src_ip}/%{INT:src_port}(?: \(%{IP:src_mapped_ip}/%{INT:src_mapped_port}\))?(?:\(%{DATA:src_fwuser}\))? to %{NOTSPACE:dst_interface}:%{IP:dst_ip}/%{INT:dst_port}(?: \(%{IP:dst_mapped_ip}/%{INT:dst_mapped_port}\))?(?:\(%{DATA:dst_fwuser}\))?(?: duration %{TIME:duration} bytes %{INT:bytes})?(?: %{CISCO_REASON:reason})?(?: \(%{DATA:user}\))?`,
      CISCOFW302020_302021: r`%{CISCO_ACTION:action}(?: %{CISCO_DIRECTION:direction})? %{WORD:protocol} connection for faddr %{IP:dst_ip}/%{INT:icmp_seq_num}(?:\(%{DATA:fwuser}\))? gaddr %{IP:src_xlated_ip}/%{INT:icmp_code_xlated} laddr %{IP:src_ip}/%{INT:icmp_code}(?: \(%{DATA:user}\))?`,
      CISCOFW304001: r`%{IP:src_ip}(?:\(%{DATA:src_fwuser}\))? Accessed URL %{IP:dst_ip}:%{GREEDYDATA:dst_url}`,
      CISCOFW305011: r`%{CISCO_ACTION:action} %{CISCO_XLATE_TYPE:xlate_type} %{WORD:protocol} translation from %{NOTSPACE:src_interface}:%{IP:src_ip}(?:/%{INT:src_port})?(?:\(%{DATA:src_fwuser}\))? to %{NOTSPACE:src_xlated_interface}:%{IP:src_xlated_ip}/%{INT:src_xlated_port}`,
      CISCOFW321001: "Resource '%{DATA:resource_name}' limit of %{POSINT:resource_limit} reached for system",
      CISCOFW402117: r`%{WORD:protocol}: Received a non-IPSec packet \(protocol= ?%{WORD:orig_protocol}\) from %{IP:src_ip} to %{IP:dst_ip}\.?`,
      CISCOFW402119: r`%{WORD:protocol}: Received an %{WORD:orig_protocol} packet \(SPI= ?%{DATA:spi}, sequence number= ?%{DATA:seq_num}\) from %{IP:src_ip} \(user= ?%{DATA:user}\) to %{IP:dst_ip} that failed anti-replay checking\.?`,
      CISCOFW602303_602304: r`%{WORD:protocol}: An %{CISCO_DIRECTION:direction} %{DATA:tunnel_type} SA \(SPI= ?%{DATA:spi}\) between %{IP:src_ip} and %{IP:dst_ip} \(user= ?%{DATA:user}\) has been %{CISCO_ACTION:action}`,
      CISCOFW713172: r`Group = %{DATA:group}, IP = %{IP:src_ip}, Automatic NAT Detection Status:\s+Remote end\s+%{DATA:is_remote_natted}\s*behind a NAT device\s+This\s+end\s+%{DATA:is_local_natted}\s*behind a NAT device`,
      CISCOFW733100: r`\[\s*%{DATA:drop_type}\s*\] drop %{DATA:drop_rate_id} exceeded\. Current burst rate is %{INT:drop_rate_current_burst} per second, max configured rate is %{INT:drop_rate_max_burst}; Current average rate is %{INT:drop_rate_current_avg} per second, max configured rate is %{INT:drop_rate_max_avg}; Cumulative total count is %{INT:drop_total_count}`,
    },
  ),
  ecs: ciscoPatterns(
    {
      action: '[cisco][asa][outcome]',
      direction: '[cisco][asa][network][direction]',
      protocol: '[cisco][asa][network][transport]',
      srcIp: '[source][ip]',
      srcPort: '[source][port]:int',
      dstIp: '[destination][ip]',
      dstPort: '[destination][port]:int',
      srcHost: '[source][address]',
      dstHost: '[destination][address]',
      srcIf: '[observer][ingress][interface][name]',
      dstIf: '[observer][egress][interface][name]',
      iface: '[observer][egress][interface][name]',
      srcUser: '[source][user][name]',
      dstUser: '[destination][user][name]',
      reason: '[event][reason]',
      policy: '[cisco][asa][rule_name]',
      flags: '[cisco][asa][tcp_flags]',
      icmpType: '[cisco][asa][icmp_type]:int',
      icmpCode: '[cisco][asa][icmp_code]:int',
      hash1: '[@metadata][cisco][asa][hashcode1]',
      hash2: '[@metadata][cisco][asa][hashcode2]',
    },
    {
      CISCO_TAGGED_SYSLOG:
        '^<%{POSINT:[log][syslog][priority]:int}>%{CISCOTIMESTAMP:timestamp}(?: %{SYSLOGHOST:[host][hostname]})? ?: %%{CISCOTAG:[cisco][asa][tag]}:',
      CISCO_HITCOUNT_INTERVAL:
        'hit-cnt %{INT:[cisco][asa][hit_count]:int} (?:first hit|%{INT:[cisco][asa][interval]:int}-second interval)',
      CISCOFW104001: failover('Switching to ACTIVE - ', '%{GREEDYDATA:[event][reason]}'),
      CISCOFW104002: failover('Switching to STANDBY - ', '%{GREEDYDATA:[event][reason]}'),
      CISCOFW105003: failover(
        'Monitoring on [Ii]nterface ',
        '%{NOTSPACE:[network][interface][name]} waiting',
      ),
      CISCOFW105004: failover('Monitoring on [Ii]nterface ', '%{NOTSPACE:[network][interface][name]} normal'),
      CISCOFW105005: failover(
        'Lost Failover communications with mate on [Ii]nterface ',
        '%{NOTSPACE:[network][interface][name]}',
      ),
      CISCOFW105008: failover('Testing [Ii]nterface ', '%{NOTSPACE:[network][interface][name]}'),
      CISCOFW105009: failover(
        'Testing on [Ii]nterface ',
        '%{NOTSPACE:[network][interface][name]} (?:Passed|Failed)',
      ),
      CISCOFW302010:
        '%{INT:[cisco][asa][connections][in_use]:int} in use, %{INT:[cisco][asa][connections][most_used]:int} most used',
      CISCOFW302013_302014_302015_302016: r`%{CISCO_ACTION:[cisco][asa][outcome]}(?: %{CISCO_DIRECTION:[cisco][asa][network][direction]})? %{WORD:[cisco][asa][network][transport]} connection %{INT:[cisco][asa][connection_id]} for %{NOTSPACE:[observer][ingress][interface][name]}:%{IP:[source][ip]}/%{INT:[source][port]:int}(?: \(%{IP:[source][nat][ip]}/%{INT:[source][nat][port]:int}\))?(?:\(%{DATA:[source][user][name]}\))? to %{NOTSPACE:[observer][egress][interface][name]}:%{IP:[destination][ip]}/%{INT:[destination][port]:int}(?: \(%{IP:[destination][nat][ip]}/%{INT:[destination][nat][port]:int}\))?(?:\(%{DATA:[destination][user][name]}\))?(?: duration %{TIME:[cisco][asa][duration]} bytes %{INT:[network][bytes]:int})?(?: %{CISCO_REASON:[event][reason]})?(?: \(%{DATA:[user][name]}\))?`,
      CISCOFW302020_302021: r`%{CISCO_ACTION:[cisco][asa][outcome]}(?: %{CISCO_DIRECTION:[cisco][asa][network][direction]})? %{WORD:[cisco][asa][network][transport]} connection for faddr %{IP:[destination][ip]}/%{INT:[cisco][asa][icmp_seq]:int}(?:\(%{DATA:[destination][user][name]}\))? gaddr %{IP:[source][nat][ip]}/%{INT:[cisco][asa][icmp_type]:int} laddr %{IP:[source][ip]}/%{INT}(?: \(%{DATA:[source][user][name]}\))?`,
      CISCOFW304001: r`%{IP:[source][ip]}(?:\(%{DATA:[source][user][name]}\))? Accessed URL %{IP:[destination][ip]}:%{GREEDYDATA:[url][original]}`,
      CISCOFW305011: r`%{CISCO_ACTION:[cisco][asa][outcome]} %{CISCO_XLATE_TYPE} %{WORD:[cisco][asa][network][transport]} translation from %{NOTSPACE:[observer][ingress][interface][name]}:%{IP:[source][ip]}(?:/%{INT:[source][port]:int})?(?:\(%{DATA:[source][user][name]}\))? to %{NOTSPACE:[observer][egress][interface][name]}:%{IP:[destination][ip]}/%{INT:[destination][port]:int}`,
      CISCOFW321001:
        "Resource '%{DATA:[cisco][asa][resource][name]}' limit of %{POSINT:[cisco][asa][resource][limit]:int} reached for system",
      CISCOFW402117: r`%{WORD:[cisco][asa][network][type]}: Received a non-IPSec packet \(protocol= ?%{WORD:[cisco][asa][network][transport]}\) from %{IP:[source][ip]} to %{IP:[destination][ip]}\.?`,
      CISCOFW402119: r`%{WORD:[cisco][asa][network][type]}: Received an %{WORD:[cisco][asa][ipsec][protocol]} packet \(SPI= ?%{DATA:[cisco][asa][ipsec][spi]}, sequence number= ?%{DATA:[cisco][asa][ipsec][seq_num]}\) from %{IP:[source][ip]} \(user= ?%{DATA:[source][user][name]}\) to %{IP:[destination][ip]} that failed anti-replay checking\.?`,
      CISCOFW602303_602304: r`%{WORD:[cisco][asa][network][type]}: An %{CISCO_DIRECTION:[cisco][asa][network][direction]} %{DATA:[cisco][asa][ipsec][tunnel_type]} SA \(SPI= ?%{DATA:[cisco][asa][ipsec][spi]}\) between %{IP:[source][ip]} and %{IP:[destination][ip]} \(user= ?%{DATA:[source][user][name]}\) has been %{CISCO_ACTION:[cisco][asa][outcome]}`,
      CISCOFW713172: r`Group = %{DATA:[cisco][asa][source][group]}, IP = %{IP:[source][ip]}, Automatic NAT Detection Status:\s+Remote end\s+%{DATA:[@metadata][cisco][asa][remote_nat]}\s*behind a NAT device\s+This\s+end\s+%{DATA:[@metadata][cisco][asa][local_nat]}\s*behind a NAT device`,
      CISCOFW733100: r`\[\s*%{DATA:[cisco][asa][burst][object]}\s*\] drop %{DATA:[cisco][asa][burst][id]} exceeded\. Current burst rate is %{INT:[cisco][asa][burst][current_rate]:int} per second, max configured rate is %{INT:[cisco][asa][burst][configured_rate]:int}; Current average rate is %{INT:[cisco][asa][burst][avg_rate]:int} per second, max configured rate is %{INT:[cisco][asa][burst][configured_avg_rate]:int}; Cumulative total count is %{INT:[cisco][asa][burst][cumulative_count]:int}`,
    },
  ),
};
