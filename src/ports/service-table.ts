// The service table: the course's seed table (marked `seed`) and common services from the IANA
// Service Name and Transport Protocol Port Number Registry (RFC 6335). Names follow IANA where the
// IANA name is the one people use; where everyone says something else (dns for "domain", rdp for
// "ms-wbt-server") the common name leads and the IANA name is an alias. Ports that are widely used
// but assigned to something else by IANA (Oracle on 1521) say so in the description.

export type TransportProtocol = 'tcp' | 'udp';

export interface ServiceEntry {
  /** Lower-case service name. */
  name: string;
  port: number;
  protocol: TransportProtocol;
  description: string;
  /** Other names that find this entry (lower case), e.g. the IANA name when `name` is the common one. */
  aliases: readonly string[];
  /** Part of the seed table every layer4 user is expected to know. */
  seed: boolean;
}

type Row = [name: string, port: number, proto: TransportProtocol | 'both', description: string, aliases?: string[]];

// The seed table: FTP 20/21, SSH 22, TELNET 23, DNS 53, DHCP 67/68, TFTP 69, HTTP 80, HTTPS 443,
// Oracle 1521, MySQL 3306, RDP 3389.
const SEED: Row[] = [
  ['ftp-data', 20, 'tcp', 'FTP data transfer (RFC 959)', ['ftp']],
  ['ftp', 21, 'tcp', 'FTP control (RFC 959)'],
  ['ssh', 22, 'tcp', 'Secure Shell (RFC 4251)'],
  ['telnet', 23, 'tcp', 'Telnet remote terminal (RFC 854)'],
  ['dns', 53, 'both', 'Domain Name System (RFC 1035)', ['domain']],
  ['dhcp-server', 67, 'udp', 'DHCP/BOOTP server (RFC 2131)', ['dhcp', 'bootps']],
  ['dhcp-client', 68, 'udp', 'DHCP/BOOTP client (RFC 2131)', ['dhcp', 'bootpc']],
  ['tftp', 69, 'udp', 'Trivial File Transfer Protocol (RFC 1350)'],
  ['http', 80, 'tcp', 'Hypertext Transfer Protocol (RFC 9110)', ['www', 'www-http']],
  ['https', 443, 'tcp', 'HTTP over TLS (RFC 9110)', ['http-tls']],
  ['oracle', 1521, 'tcp', 'Oracle database listener (TNS); IANA name ncube-lm', ['oracle-tns', 'ncube-lm']],
  ['mysql', 3306, 'tcp', 'MySQL database'],
  ['rdp', 3389, 'tcp', 'Remote Desktop Protocol', ['ms-wbt-server']],
];

const WELL_KNOWN: Row[] = [
  ['tcpmux', 1, 'tcp', 'TCP port service multiplexer (RFC 1078)'],
  ['echo', 7, 'both', 'Echo (RFC 862)'],
  ['discard', 9, 'both', 'Discard (RFC 863)', ['sink', 'null']],
  ['systat', 11, 'tcp', 'Active users (RFC 866)', ['users']],
  ['daytime', 13, 'both', 'Daytime (RFC 867)'],
  ['qotd', 17, 'tcp', 'Quote of the day (RFC 865)', ['quote']],
  ['chargen', 19, 'both', 'Character generator (RFC 864)', ['ttytst', 'source']],
  ['smtp', 25, 'tcp', 'Simple Mail Transfer Protocol (RFC 5321)', ['mail']],
  ['time', 37, 'both', 'Time protocol (RFC 868)', ['timserver']],
  ['whois', 43, 'tcp', 'WHOIS (RFC 3912)', ['nicname']],
  ['tacacs', 49, 'tcp', 'TACACS+ (RFC 8907)'],
  ['gopher', 70, 'tcp', 'Gopher (RFC 1436)'],
  ['finger', 79, 'tcp', 'Finger user information (RFC 1288)'],
  ['kerberos', 88, 'both', 'Kerberos authentication (RFC 4120)', ['kerberos5', 'krb5']],
  ['pop3', 110, 'tcp', 'Post Office Protocol v3 (RFC 1939)', ['pop', 'pop-3']],
  ['sunrpc', 111, 'both', 'ONC RPC portmapper (RFC 1833)', ['rpcbind', 'portmapper']],
  ['ident', 113, 'tcp', 'Identification protocol (RFC 1413)', ['auth']],
  ['nntp', 119, 'tcp', 'Network News Transfer Protocol (RFC 3977)', ['readnews']],
  ['ntp', 123, 'udp', 'Network Time Protocol (RFC 5905)'],
  ['epmap', 135, 'tcp', 'DCE/MS RPC endpoint mapper', ['msrpc', 'loc-srv']],
  ['netbios-ns', 137, 'udp', 'NetBIOS name service (RFC 1002)'],
  ['netbios-dgm', 138, 'udp', 'NetBIOS datagram service (RFC 1002)'],
  ['netbios-ssn', 139, 'tcp', 'NetBIOS session service (RFC 1002)'],
  ['imap', 143, 'tcp', 'Internet Message Access Protocol (RFC 9051)', ['imap2', 'imap4']],
  ['snmp', 161, 'udp', 'Simple Network Management Protocol (RFC 3411)'],
  ['snmptrap', 162, 'udp', 'SNMP traps (RFC 3411)', ['snmp-trap']],
  ['bgp', 179, 'tcp', 'Border Gateway Protocol (RFC 4271)'],
  ['irc', 194, 'tcp', 'Internet Relay Chat (RFC 1459)'],
  ['ldap', 389, 'both', 'Lightweight Directory Access Protocol (RFC 4511)'],
  ['svrloc', 427, 'both', 'Service Location Protocol (RFC 2608)', ['slp']],
  ['microsoft-ds', 445, 'tcp', 'SMB over TCP', ['smb', 'cifs']],
  ['kpasswd', 464, 'both', 'Kerberos password change (RFC 3244)'],
  ['submissions', 465, 'tcp', 'Message submission over TLS (RFC 8314)', ['smtps']],
  ['isakmp', 500, 'udp', 'IKE key exchange for IPsec (RFC 7296)', ['ike']],
  ['login', 513, 'tcp', 'Remote login (rlogin, RFC 1282)', ['rlogin']],
  ['who', 513, 'udp', 'Remote who daemon (rwho)', ['rwho', 'whod']],
  ['shell', 514, 'tcp', 'Remote shell (rsh)', ['rsh', 'cmd']],
  ['syslog', 514, 'udp', 'Syslog (RFC 5426)'],
  ['printer', 515, 'tcp', 'Line printer daemon (RFC 1179)', ['lpd', 'spooler']],
  ['rip', 520, 'udp', 'Routing Information Protocol (RFC 2453)', ['router', 'route']],
  ['ripng', 521, 'udp', 'RIP for IPv6 (RFC 2080)'],
  ['dhcpv6-client', 546, 'udp', 'DHCPv6 client (RFC 8415)'],
  ['dhcpv6-server', 547, 'udp', 'DHCPv6 server (RFC 8415)'],
  ['rtsp', 554, 'both', 'Real Time Streaming Protocol (RFC 7826)'],
  ['submission', 587, 'tcp', 'Message submission (RFC 6409)'],
  ['ipp', 631, 'tcp', 'Internet Printing Protocol (RFC 8011)'],
  ['ldaps', 636, 'tcp', 'LDAP over TLS'],
  ['ldp', 646, 'both', 'MPLS Label Distribution Protocol (RFC 5036)'],
  ['domain-s', 853, 'both', 'DNS over TLS (RFC 7858) / DNS over QUIC (RFC 9250)', ['dot', 'dns-over-tls']],
  ['rsync', 873, 'tcp', 'rsync file synchronisation'],
  ['ftps-data', 989, 'tcp', 'FTP data over TLS (RFC 4217)'],
  ['ftps', 990, 'tcp', 'FTP control over TLS (RFC 4217)'],
  ['imaps', 993, 'tcp', 'IMAP over TLS (RFC 8314)'],
  ['pop3s', 995, 'tcp', 'POP3 over TLS (RFC 8314)'],
];

const REGISTERED: Row[] = [
  ['socks', 1080, 'tcp', 'SOCKS proxy (RFC 1928)'],
  ['openvpn', 1194, 'both', 'OpenVPN'],
  ['ms-sql-s', 1433, 'tcp', 'Microsoft SQL Server', ['mssql']],
  ['ms-sql-m', 1434, 'udp', 'Microsoft SQL Server browser (monitor)'],
  ['l2tp', 1701, 'udp', 'Layer 2 Tunneling Protocol (RFC 2661)', ['l2f']],
  ['pptp', 1723, 'tcp', 'Point-to-Point Tunneling Protocol (RFC 2637)'],
  ['radius', 1812, 'udp', 'RADIUS authentication (RFC 2865)'],
  ['radius-acct', 1813, 'udp', 'RADIUS accounting (RFC 2866)', ['radacct']],
  ['mqtt', 1883, 'tcp', 'MQTT message broker'],
  ['ssdp', 1900, 'udp', 'Simple Service Discovery Protocol (UPnP)'],
  ['rtmp', 1935, 'tcp', 'Real-Time Messaging Protocol; IANA name macromedia-fcs', ['macromedia-fcs']],
  ['nfs', 2049, 'both', 'Network File System (RFC 7530)'],
  ['docker', 2375, 'tcp', 'Docker REST API (plain)'],
  ['docker-s', 2376, 'tcp', 'Docker REST API over TLS'],
  ['iscsi-target', 3260, 'tcp', 'iSCSI target (RFC 7143)', ['iscsi']],
  ['msft-gc', 3268, 'tcp', 'Microsoft global catalog (LDAP)'],
  ['stun', 3478, 'both', 'Session Traversal Utilities for NAT (RFC 8489)', ['turn']],
  ['bfd-control', 3784, 'udp', 'Bidirectional Forwarding Detection (RFC 5881)', ['bfd']],
  ['svn', 3690, 'tcp', 'Subversion'],
  ['ipsec-nat-t', 4500, 'udp', 'IPsec NAT traversal (RFC 3948)'],
  ['vxlan', 4789, 'udp', 'Virtual eXtensible LAN (RFC 7348)'],
  ['rtp', 5004, 'udp', 'RTP media (RFC 3551); IANA name avt-profile-1', ['avt-profile-1']],
  ['rtcp', 5005, 'udp', 'RTP control (RFC 3551); IANA name avt-profile-2', ['avt-profile-2']],
  ['sip', 5060, 'both', 'Session Initiation Protocol (RFC 3261)'],
  ['sips', 5061, 'tcp', 'SIP over TLS (RFC 3261)'],
  ['xmpp-client', 5222, 'tcp', 'XMPP client connection (RFC 6120)', ['jabber']],
  ['xmpp-server', 5269, 'tcp', 'XMPP server connection (RFC 6120)'],
  ['stuns', 5349, 'tcp', 'STUN over TLS (RFC 8489)'],
  ['mdns', 5353, 'udp', 'Multicast DNS (RFC 6762)'],
  ['llmnr', 5355, 'udp', 'Link-Local Multicast Name Resolution (RFC 4795)'],
  ['postgresql', 5432, 'tcp', 'PostgreSQL database', ['postgres']],
  ['amqps', 5671, 'tcp', 'AMQP over TLS'],
  ['amqp', 5672, 'tcp', 'Advanced Message Queuing Protocol'],
  ['coap', 5683, 'udp', 'Constrained Application Protocol (RFC 7252)'],
  ['coaps', 5684, 'udp', 'CoAP over DTLS (RFC 7252)'],
  ['vnc', 5900, 'tcp', 'Remote framebuffer (RFC 6143); IANA name rfb', ['rfb']],
  ['wsman', 5985, 'tcp', 'WS-Management over HTTP', ['winrm']],
  ['wsmans', 5986, 'tcp', 'WS-Management over HTTPS'],
  ['x11', 6000, 'tcp', 'X Window System display :0'],
  ['geneve', 6081, 'udp', 'Generic Network Virtualization Encapsulation (RFC 8926)'],
  ['redis', 6379, 'tcp', 'Redis key-value store'],
  ['syslog-tls', 6514, 'tcp', 'Syslog over TLS (RFC 5425)'],
  ['ircs-u', 6697, 'tcp', 'IRC over TLS (RFC 7194)', ['ircs']],
  ['http-alt', 8080, 'tcp', 'HTTP alternate (proxies, development servers)', ['webcache']],
  ['secure-mqtt', 8883, 'tcp', 'MQTT over TLS', ['mqtts']],
  ['pdl-datastream', 9100, 'tcp', 'Raw printing (JetDirect)', ['jetdirect']],
  ['git', 9418, 'tcp', 'Git native protocol'],
  ['memcache', 11211, 'both', 'memcached cache', ['memcached']],
  ['mongodb', 27017, 'tcp', 'MongoDB database'],
];

function expand(rows: Row[], seed: boolean): ServiceEntry[] {
  const out: ServiceEntry[] = [];
  for (const [name, port, proto, description, aliases = []] of rows) {
    for (const protocol of proto === 'both' ? (['tcp', 'udp'] as const) : [proto]) {
      out.push({ name, port, protocol, description, aliases, seed });
    }
  }
  return out;
}

/** Every entry, sorted by port then protocol (tcp before udp). */
export const SERVICES: readonly ServiceEntry[] = [...expand(SEED, true), ...expand(WELL_KNOWN, false), ...expand(REGISTERED, false)]
  .sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
