#!/usr/bin/env bash
# Captures golden packets from the Linux kernel for test/golden-kernel.test.ts.
#
# Two throwaway network namespaces joined by a veth pair (192.0.2.0/24 and 2001:db8::/64, the
# documentation prefixes), checksum and segmentation offloads switched off so every checksum on the
# wire is complete, and tshark capturing on the receiving end. Traffic (all between the two
# namespaces, nothing leaves the machine): a TCP exchange (handshake, data both ways, FIN) over
# IPv4 and IPv6, a DNS-shaped UDP query and answer, UDP to a closed port (ICMP / ICMPv6 port
# unreachable), ICMP and ICMPv6 echo, and kernel-fragmented UDP over IPv4 and IPv6.
#
# Writes test/fixtures/kernel/<scenario>.json: each packet's IP bytes as hex plus the fields tshark
# decoded from them. Needs root, ip (iproute2), ethtool, tshark, python3.
#   sudo scripts/capture-golden.sh            # from the repo root
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=test/fixtures/kernel
A=l4g-a B=l4g-b
WORK=$(mktemp -d)
for tool in ip ethtool tshark python3; do
  command -v "$tool" >/dev/null || { echo "capture-golden: $tool is required" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "capture-golden: must run as root (network namespaces)" >&2; exit 2; }

CAP_PID=
cleanup() {
  [ -n "$CAP_PID" ] && kill "$CAP_PID" 2>/dev/null || true
  ip netns pids "$B" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
ip netns del "$A" 2>/dev/null || true
ip netns del "$B" 2>/dev/null || true

ip netns add "$A"
ip netns add "$B"
ip link add l4g-a0 netns "$A" type veth peer name l4g-b0 netns "$B"
for ns in "$A" "$B"; do
  dev=l4g-${ns#l4g-}0
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0
  ip netns exec "$ns" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
  ip netns exec "$ns" ethtool -K "$dev" rx off tx off sg off tso off gso off gro off >/dev/null 2>&1 || true
  ip -n "$ns" link set lo up
done
ip -n "$A" addr add 192.0.2.1/24 dev l4g-a0
ip -n "$B" addr add 192.0.2.2/24 dev l4g-b0
ip -n "$A" addr add 2001:db8::1/64 dev l4g-a0 nodad
ip -n "$B" addr add 2001:db8::2/64 dev l4g-b0 nodad
ip -n "$A" link set l4g-a0 up
ip -n "$B" link set l4g-b0 up
# Offloads must be off on the sender: otherwise the capture shows partial (pseudo-header only) checksums.
ip netns exec "$A" ethtool -k l4g-a0 | grep -q '^tx-checksumming: off' || { echo "capture-golden: could not disable tx checksum offload" >&2; exit 1; }

# Servers in B: TCP answers "hi" to whatever it reads and closes; UDP 53 answers a DNS-shaped reply.
cat >"$WORK/server.py" <<'PY'
import socket, threading
def tcp(family, addr):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 8080)); s.listen(4)
    while True:
        c, _ = s.accept()
        c.recv(1000); c.sendall(b"hi\n")
        c.recv(1000)  # wait for the client's FIN
        c.close()
def dns(family, addr):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((addr, 53))
    while True:
        q, peer = s.recvfrom(2000)
        # same id and question, QR=1 RD=1 RA=1, one A/AAAA-less answer count of 0: NOERROR, no data
        s.sendto(q[:2] + b"\x81\x80" + q[4:6] + b"\x00\x00\x00\x00\x00\x00" + q[12:], peer)
def sink(family, addr):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((addr, 5001))
    while True: s.recvfrom(65535)
for f, a in ((socket.AF_INET, "192.0.2.2"), (socket.AF_INET6, "2001:db8::2")):
    for fn in (tcp, dns, sink):
        threading.Thread(target=fn, args=(f, a), daemon=True).start()
threading.Event().wait()
PY

cat >"$WORK/client.py" <<'PY'
import socket, time
def tcp(family, addr):
    c = socket.create_connection((addr, 8080))
    c.sendall(b"hello layer4\n"); c.recv(100)
    c.shutdown(socket.SHUT_WR); c.recv(100); c.close()
    time.sleep(0.3)
def dns(family, addr):
    s = socket.socket(family, socket.SOCK_DGRAM)
    # RFC 1035 §4.1: id 0x1234, RD, one question: example.com IN A
    q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x03com\x00\x00\x01\x00\x01"
    s.sendto(q, (addr, 53)); s.settimeout(2); s.recvfrom(2000); s.close()
def closed(family, addr):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.sendto(b"nobody listens on 9", (addr, 9)); time.sleep(0.3); s.close()
def echo(family, addr):
    proto = socket.IPPROTO_ICMP if family == socket.AF_INET else socket.IPPROTO_ICMPV6
    typ = 8 if family == socket.AF_INET else 128
    s = socket.socket(family, socket.SOCK_DGRAM, proto)  # kernel "ping socket": the kernel fills id and checksum
    s.sendto(bytes([typ, 0, 0, 0, 0, 0, 0, 1]) + b"layer4 ping", (addr, 0)); s.settimeout(2); s.recvfrom(2000); s.close()
def frag(family, addr):
    s = socket.socket(family, socket.SOCK_DGRAM)
    if family == socket.AF_INET:
        s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER = IP_PMTUDISC_DONT: let the kernel fragment
    s.sendto(bytes(i & 0xff for i in range(3000)), (addr, 5001)); time.sleep(0.3); s.close()
for f, a in ((socket.AF_INET, "192.0.2.2"), (socket.AF_INET6, "2001:db8::2")):
    for fn in (tcp, dns, closed, echo, frag):
        fn(f, a)
        time.sleep(0.2)
PY

ip netns exec "$B" python3 "$WORK/server.py" &
sleep 0.5
ip netns exec "$B" tshark -q -i l4g-b0 -F pcap -w "$WORK/cap.pcap" -f 'not arp' 2>"$WORK/tshark.log" &
CAP_PID=$!
for _ in $(seq 50); do grep -q 'Capturing on' "$WORK/tshark.log" 2>/dev/null && break; sleep 0.1; done
sleep 0.5
ip netns exec "$A" python3 "$WORK/client.py"
sleep 0.5
kill -INT "$CAP_PID"; wait "$CAP_PID" 2>/dev/null || true
CAP_PID=

mkdir -p "$OUT"
cat >"$WORK/extract.py" <<'PY'
# Reads the capture, asks tshark for the key fields of each scenario's packets, writes one JSON
# fixture per scenario: IP bytes (Ethernet header stripped) as hex + tshark's values.
import json, struct, subprocess, sys
cap, out, kernel, tshark_version = sys.argv[1:5]
raw = open(cap, "rb").read()
magic = struct.unpack("<I", raw[:4])[0]
assert magic == 0xa1b2c3d4, "expected a little-endian microsecond pcap"
assert struct.unpack("<I", raw[20:24])[0] == 1, "expected LINKTYPE_ETHERNET"
frames, off = [], 24
while off + 16 <= len(raw):
    caplen = struct.unpack("<I", raw[off + 8:off + 12])[0]
    frames.append(raw[off + 16 + 14:off + 16 + caplen])  # 14-byte Ethernet header, no VLAN on veth
    off += 16 + caplen
FIELDS = """frame.number _ws.col.Info _ws.malformed _ws.expert.severity
ip.version ip.hdr_len ip.dsfield ip.len ip.id ip.flags.df ip.flags.mf ip.frag_offset ip.ttl ip.proto ip.checksum ip.checksum.status ip.src ip.dst
ipv6.tclass ipv6.flow ipv6.plen ipv6.nxt ipv6.hlim ipv6.src ipv6.dst ipv6.fraghdr.nxt ipv6.fraghdr.offset ipv6.fraghdr.more ipv6.fraghdr.ident
tcp.srcport tcp.dstport tcp.seq_raw tcp.ack_raw tcp.hdr_len tcp.flags tcp.window_size_value tcp.checksum tcp.checksum.status tcp.urgent_pointer tcp.len
tcp.option_kind tcp.options.mss_val tcp.options.wscale.shift tcp.options.timestamp.tsval tcp.options.timestamp.tsecr
udp.srcport udp.dstport udp.length udp.checksum udp.checksum.status
icmp.type icmp.code icmp.checksum icmp.checksum.status icmp.ident icmp.seq
icmpv6.type icmpv6.code icmpv6.checksum icmpv6.checksum.status icmpv6.echo.identifier icmpv6.echo.sequence_number
dns.id dns.qry.name""".split()
SCENARIOS = [
    ("tcp-ipv4", "ip && tcp.port == 8080", "TCP over IPv4: handshake, data both ways, FIN from each side"),
    ("tcp-ipv6", "ipv6 && tcp.port == 8080", "TCP over IPv6: handshake, data both ways, FIN from each side"),
    ("udp-dns-ipv4", "ip && udp.port == 53", "UDP over IPv4: a DNS query for example.com and its answer"),
    ("udp-dns-ipv6", "ipv6 && udp.port == 53", "UDP over IPv6: a DNS query for example.com and its answer"),
    ("icmp-unreachable", "ip && (udp.dstport == 9 || icmp.type == 3)", "UDP to a closed port and the ICMP port unreachable (RFC 792) quoting it"),
    ("icmpv6-unreachable", "ipv6 && (udp.dstport == 9 || icmpv6.type == 1)", "UDP to a closed port and the ICMPv6 port unreachable (RFC 4443 §3.1) quoting it"),
    ("icmp-echo", "icmp.type == 8 || icmp.type == 0", "ICMP echo request and reply (RFC 792)"),
    ("icmpv6-echo", "icmpv6.type == 128 || icmpv6.type == 129", "ICMPv6 echo request and reply (RFC 4443 §4)"),
    ("ipv4-fragments", "ip && (ip.flags.mf == 1 || ip.frag_offset > 0)", "3000-byte UDP datagram fragmented by the kernel over IPv4 (RFC 791)"),
    ("ipv6-fragments", "ipv6 && ipv6.nxt == 44", "3000-byte UDP datagram fragmented by the kernel over IPv6 (Fragment header, RFC 8200 §4.5)"),
]
PREFS = ["-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE", "-o", "ip.check_checksum:TRUE",
         "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.analyze_sequence_numbers:FALSE"]
MULTI = {"tcp.option_kind"}
for name, flt, desc in SCENARIOS:
    cmd = ["tshark", "-r", cap, *PREFS, "-Y", flt, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=|"]
    for f in FIELDS: cmd += ["-e", f]
    rows = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()
    packets = []
    for row in rows:
        vals = row.split("\t")
        fields = {}
        for f, v in zip(FIELDS, vals):
            if v == "": continue
            parts = v.split("|")
            fields[f] = parts if (f in MULTI or len(parts) > 1) else parts[0]
        n = int(fields.pop("frame.number"))
        info = fields.pop("_ws.col.Info", "")
        packets.append({"frame": n, "info": info, "hex": frames[n - 1].hex(), "tshark": fields})
    if not packets:
        print(f"capture-golden: no packets for {name}", file=sys.stderr); sys.exit(1)
    doc = {"scenario": name, "description": desc, "captured": f"{kernel}, veth between two network namespaces, offloads off",
           "decoder": tshark_version, "packets": packets}
    with open(f"{out}/{name}.json", "w") as fh:
        json.dump(doc, fh, indent=1); fh.write("\n")
    print(f"{name}: {len(packets)} packets")
PY
python3 "$WORK/extract.py" "$WORK/cap.pcap" "$OUT" "$(uname -sr)" "$(tshark --version | head -1)"
