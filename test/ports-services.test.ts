import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allServices, portForService, serviceName, servicesByName, servicesByPort, SERVICES } from '../src/ports/index.js';

const ports = (name: string): string[] => servicesByName(name).map((e) => `${e.port}/${e.protocol}`);

test('seed table: FTP 20/21, SSH 22, TELNET 23, DNS 53, DHCP 67/68, TFTP 69, HTTP 80, HTTPS 443, Oracle 1521, MySQL 3306, RDP 3389', () => {
  assert.deepEqual(ports('ftp'), ['20/tcp', '21/tcp']);
  assert.deepEqual(ports('ssh'), ['22/tcp']);
  assert.deepEqual(ports('telnet'), ['23/tcp']);
  assert.deepEqual(ports('dns'), ['53/tcp', '53/udp']);
  assert.deepEqual(ports('dhcp'), ['67/udp', '68/udp']);
  assert.deepEqual(ports('tftp'), ['69/udp']);
  assert.deepEqual(ports('http'), ['80/tcp']);
  assert.deepEqual(ports('https'), ['443/tcp']);
  assert.deepEqual(ports('oracle'), ['1521/tcp']);
  assert.deepEqual(ports('mysql'), ['3306/tcp']);
  assert.deepEqual(ports('rdp'), ['3389/tcp']);
  const seed = SERVICES.filter((e) => e.seed).map((e) => `${e.port}/${e.protocol}`);
  assert.deepEqual(seed, ['20/tcp', '21/tcp', '22/tcp', '23/tcp', '53/tcp', '53/udp', '67/udp', '68/udp', '69/udp', '80/tcp', '443/tcp', '1521/tcp', '3306/tcp', '3389/tcp']);
});

test('registry has at least 100 well-formed entries, no duplicate port/protocol/name', () => {
  const all = allServices();
  assert.ok(all.length >= 100, `only ${all.length} entries`);
  const seen = new Set<string>();
  for (const e of all) {
    assert.match(e.name, /^[a-z0-9-]+$/);
    assert.ok(Number.isInteger(e.port) && e.port >= 0 && e.port <= 65535);
    assert.ok(e.protocol === 'tcp' || e.protocol === 'udp');
    assert.ok(e.description.length > 3);
    for (const a of e.aliases) assert.match(a, /^[a-z0-9-]+$/);
    const k = `${e.port}/${e.protocol}/${e.name}`;
    assert.ok(!seen.has(k), k);
    seen.add(k);
  }
});

test('lookup by name is case-insensitive and follows aliases', () => {
  assert.deepEqual(ports('WWW'), ['80/tcp']);
  assert.deepEqual(ports(' Http '), ['80/tcp']);
  assert.deepEqual(ports('domain'), ['53/tcp', '53/udp']);
  assert.deepEqual(ports('ms-wbt-server'), ['3389/tcp']);
  assert.deepEqual(ports('nosuchservice'), []);
  assert.deepEqual(servicesByName('dns', 'udp').map((e) => e.port), [53]);
});

test('lookup by port, with and without protocol', () => {
  assert.deepEqual(servicesByPort(53).map((e) => e.protocol), ['tcp', 'udp']);
  assert.deepEqual(servicesByPort(53, 'udp').map((e) => e.name), ['dns']);
  assert.deepEqual(servicesByPort(514).map((e) => `${e.name}/${e.protocol}`), ['shell/tcp', 'syslog/udp']);
  assert.deepEqual(servicesByPort(49999), []);
  assert.equal(serviceName(22), 'ssh');
  assert.equal(serviceName(69, 'udp'), 'tftp');
  assert.equal(serviceName(69, 'tcp'), undefined);
});

test('portForService: own name before alias, lowest port among aliases', () => {
  assert.equal(portForService('ftp'), 21);
  assert.equal(portForService('ftp-data'), 20);
  assert.equal(portForService('dhcp', 'udp'), 67);
  assert.equal(portForService('www'), 80);
  assert.equal(portForService('echo', 'udp'), 7);
  assert.equal(portForService('tftp', 'tcp'), undefined);
  assert.equal(portForService('nosuchservice'), undefined);
});
