// Firewalls other than Cisco: Juniper NetScreen session logs, Linux netfilter (iptables LOG target)
// lines, and the Shorewall and SuSEfirewall2 lines built on them. Logstash has IPTABLES only in ECS
// naming; the legacy names here follow its SHOREWALL / SFW2 `nf_*` fields so all three agree.
import type { PatternFamily } from './library.ts';

const r = String.raw;

interface NetfilterNames {
  in: string;
  out: string;
  dstMac: string;
  srcMac: string;
  srcIp: string;
  dstIp: string;
  len: string;
  tos: string;
  prec: string;
  ttl: string;
  id: string;
  fragFlags: string;
  fragOffset: string;
  flowLabel: string;
  proto: string;
  srcPort: string;
  dstPort: string;
  seq: string;
  ack: string;
  window: string;
  reserved: string;
  tcpFlags: string;
}

/** The fields of a netfilter LOG line; `0x` stays part of TOS/PREC values in legacy naming. */
function netfilter(n: NetfilterNames, hex: (field: string) => string): Record<string, string> {
  return {
    IPTABLES_TCP_FLAGS: r`(?:CWR|ECE|URG|ACK|PSH|RST|SYN|FIN)\b(?: (?:CWR|ECE|URG|ACK|PSH|RST|SYN|FIN)\b)*`,
    IPTABLES_TCP_PART: r`(?:SEQ=%{INT:${n.seq}}\s+)?(?:ACK=%{INT:${n.ack}}\s+)?WINDOW=%{INT:${n.window}}\s+RES=0x%{BASE16NUM:${n.reserved}}(?:\s+%{IPTABLES_TCP_FLAGS:${n.tcpFlags}})?`,
    IPTABLES4_FRAG: '(?:CE|DF|MF)(?: (?:CE|DF|MF))*',
    IPTABLES4_PART: r`SRC=%{IPV4:${n.srcIp}}\s+DST=%{IPV4:${n.dstIp}}\s+LEN=(?:%{INT:${n.len}})?\s+TOS=${hex(n.tos)}\s+PREC=${hex(n.prec)}\s+TTL=(?:%{INT:${n.ttl}})?\s+ID=(?:%{INT:${n.id}})?(?:\s+%{IPTABLES4_FRAG:${n.fragFlags}})?(?:\s+FRAG: ?%{INT:${n.fragOffset}})?`,
    IPTABLES6_PART: r`SRC=%{IPV6:${n.srcIp}}\s+DST=%{IPV6:${n.dstIp}}\s+LEN=(?:%{INT:${n.len}})?\s+TC=${hex(n.tos)}\s+HOPLIMIT=(?:%{INT:${n.ttl}})?\s+FLOWLBL=(?:%{INT:${n.flowLabel}})?`,
    // The optional MAC= is destination, source and two bytes of ethertype.
    IPTABLES: r`IN=(?:%{NOTSPACE:${n.in}})?\s+OUT=(?:%{NOTSPACE:${n.out}})?\s+(?:MAC=(?:%{COMMONMAC:${n.dstMac}}(?::%{COMMONMAC:${n.srcMac}})?(?::[A-Fa-f0-9]{2}:[A-Fa-f0-9]{2})?)?\s+)?(?:%{IPTABLES4_PART}|%{IPTABLES6_PART})(?:\s+\S+)*?\s+PROTO=(?:%{WORD:${n.proto}})?(?:\s+SPT=(?:%{INT:${n.srcPort}})?\s+DPT=(?:%{INT:${n.dstPort}})?)?(?:\s+%{IPTABLES_TCP_PART})?`,
  };
}

export const firewalls: PatternFamily = {
  common: {},
  legacy: {
    NETSCREENSESSIONLOG: r`%{SYSLOGTIMESTAMP:date} %{IPORHOST:device} %{IPORHOST}: NetScreen device_id=%{WORD:device_id}%{DATA}: start_time=%{QUOTEDSTRING:start_time} duration=%{INT:duration} policy_id=%{INT:policy_id} service=%{DATA:service} proto=%{INT:proto} src zone=%{WORD:src_zone} dst zone=%{WORD:dst_zone} action=%{WORD:action} sent=%{INT:sent} rcvd=%{INT:rcvd} src=%{IPORHOST:src_ip} dst=%{IPORHOST:dst_ip}(?: src_port=%{INT:src_port} dst_port=%{INT:dst_port})?(?: src-xlated ip=%{IPORHOST:src_xlated_ip} port=%{INT:src_xlated_port} dst-xlated ip=%{IPORHOST:dst_xlated_ip} port=%{INT:dst_xlated_port})?(?: session_id=%{INT:session_id} reason=%{GREEDYDATA:reason})?`,
    ...netfilter(
      {
        in: 'nf_in_interface',
        out: 'nf_out_interface',
        dstMac: 'nf_dst_mac',
        srcMac: 'nf_src_mac',
        srcIp: 'nf_src_ip',
        dstIp: 'nf_dst_ip',
        len: 'nf_len',
        tos: 'nf_tos',
        prec: 'nf_prec',
        ttl: 'nf_ttl',
        id: 'nf_id',
        fragFlags: 'nf_fragment_flags',
        fragOffset: 'nf_fragment_offset',
        flowLabel: 'nf_flow_label',
        proto: 'nf_protocol',
        srcPort: 'nf_src_port',
        dstPort: 'nf_dst_port',
        seq: 'nf_tcp_seq',
        ack: 'nf_tcp_ack',
        window: 'nf_tcp_window',
        reserved: 'nf_tcp_reserved_bits',
        tcpFlags: 'nf_tcp_flags',
      },
      (field) => `(?:%{BASE16NUM:${field}})?`,
    ),
    SHOREWALL:
      '%{SYSLOGTIMESTAMP:timestamp} %{WORD:nf_host} .*?Shorewall:(?:%{WORD:nf_action1})?:(?:%{WORD:nf_action2})?.*?%{IPTABLES}',
    SFW2_LOG_PREFIX: r`SFW2-INext-%{NOTSPACE:nf_action}`,
    SFW2: r`(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp})\s*%{HOSTNAME}.*?%{SFW2_LOG_PREFIX}\s*%{IPTABLES}`,
  },
  ecs: {
    NETSCREENSESSIONLOG: r`%{SYSLOGTIMESTAMP:timestamp} %{IPORHOST:[observer][hostname]} %{NOTSPACE:[observer][name]}: (?<[observer][product]>NetScreen) device_id=%{WORD:[netscreen][device_id]} .*?(?:system-\w+-%{NONNEGINT:[event][code]}\(%{WORD:[netscreen][session][type]}\))?: start_time="%{DATA:[netscreen][session][start_time]}" duration=%{INT:[netscreen][session][duration]:int} policy_id=%{INT:[netscreen][policy_id]} service=%{DATA:[netscreen][service]} proto=%{INT:[netscreen][protocol_number]:int} src zone=%{WORD:[observer][ingress][zone]} dst zone=%{WORD:[observer][egress][zone]} action=%{WORD:[event][action]} sent=%{INT:[source][bytes]:int} rcvd=%{INT:[destination][bytes]:int} src=%{IPORHOST:[source][address]} dst=%{IPORHOST:[destination][address]}(?: src_port=%{INT:[source][port]:int} dst_port=%{INT:[destination][port]:int})?(?: src-xlated ip=%{IP:[source][nat][ip]} port=%{INT:[source][nat][port]:int} dst-xlated ip=%{IP:[destination][nat][ip]} port=%{INT:[destination][nat][port]:int})?(?: session_id=%{INT:[netscreen][session][id]} reason=%{GREEDYDATA:[netscreen][session][reason]})?`,
    ...netfilter(
      {
        in: '[observer][ingress][interface][name]',
        out: '[observer][egress][interface][name]',
        dstMac: '[destination][mac]',
        srcMac: '[source][mac]',
        srcIp: '[source][ip]',
        dstIp: '[destination][ip]',
        len: '[iptables][length]:int',
        tos: '[iptables][tos]',
        prec: '[iptables][precedence_bits]',
        ttl: '[iptables][ttl]:int',
        id: '[iptables][id]',
        fragFlags: '[iptables][fragment_flags]',
        fragOffset: '[iptables][fragment_offset]:int',
        flowLabel: '[iptables][flow_label]',
        proto: '[network][transport]',
        srcPort: '[source][port]:int',
        dstPort: '[destination][port]:int',
        seq: '[iptables][tcp][seq]:int',
        ack: '[iptables][tcp][ack]:int',
        window: '[iptables][tcp][window]:int',
        reserved: '[iptables][tcp_reserved_bits]',
        tcpFlags: '[iptables][tcp][flags]',
      },
      (field) => `(?:0|0x%{BASE16NUM:${field}})?`,
    ),
    SHOREWALL:
      '%{SYSLOGTIMESTAMP:timestamp} %{WORD:[observer][hostname]} .*?Shorewall:(?:%{WORD:[shorewall][firewall][type]})?:(?:%{WORD:[shorewall][firewall][action]})?.*?%{IPTABLES}',
    SFW2_LOG_PREFIX: r`SFW2-INext-%{NOTSPACE:[suse][firewall][action]}`,
    SFW2: r`(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp})\s*%{HOSTNAME:[observer][hostname]}.*?%{SFW2_LOG_PREFIX:[suse][firewall][log_prefix]}\s*%{IPTABLES}`,
  },
};
