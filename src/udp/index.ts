// udp/: sans-IO UDP sockets on a Stack (stack.udp.open()).
export { UdpSocket, type UdpMessage, type UdpOpenOptions } from './socket.js';
export { UdpLayer, UDP_MAX_PAYLOAD_V4, UDP_MAX_PAYLOAD_V6 } from './udp-layer.js';
