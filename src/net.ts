// tinyevent/net: gevent's blocking-style sockets, listeners and StreamServer.
export { connect } from './net/connect';
export type { ConnectOptions, ConnectTarget } from './net/connect';
export { listen, Listener } from './net/listener';
export type { ListenOptions, ListenTarget } from './net/listener';
export { Socket } from './net/socket';
export type { PeerAddress, SocketData } from './net/socket';
export { StreamServer } from './net/server';
export type { ServerAddress, StreamHandler, StreamServerOptions } from './net/server';
export type { PoolOption } from './net/dispatch';
export { gethostbyname } from './net/dns';
export { ConcurrentUseError, TimeoutError } from './net/errors';
export { DatagramSocket, udp } from './net/udp';
export type { Datagram, DatagramPeer, DatagramType, UdpOptions } from './net/udp';
export { DatagramServer } from './net/datagram-server';
export type { DatagramAddress, DatagramHandler, DatagramServerOptions } from './net/datagram-server';
