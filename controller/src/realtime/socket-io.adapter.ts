import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';

/** Largest single Socket.IO message: 500 results with MTR payloads fit well below it. */
export const MAX_SOCKET_MESSAGE_BYTES = 2 * 1024 * 1024;

/**
 * Server-wide Socket.IO settings live here, once, rather than on each gateway: both namespaces
 * share one server at SOCKET_PATH. A message over the size limit closes only the sender's
 * connection (engine.io's rule), never another client's.
 */
export class NetWatcherIoAdapter extends IoAdapter {
  constructor(app: INestApplicationContext) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    return super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
      pingInterval: 20_000,
      pingTimeout: 20_000,
      cors: { origin: false },
      serveClient: false,
    }) as Server;
  }
}
