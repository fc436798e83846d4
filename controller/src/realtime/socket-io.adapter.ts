import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import type { OriginPolicy } from '../common/origin-policy';

/** Largest single Socket.IO message: 500 results with MTR payloads fit well below it. */
export const MAX_SOCKET_MESSAGE_BYTES = 2 * 1024 * 1024;

/**
 * Server-wide Socket.IO settings live here, once, rather than on each gateway: both namespaces
 * share one server at SOCKET_PATH. A message over the size limit closes only the sender's
 * connection (engine.io's rule), never another client's.
 */
export class NetWatcherIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly origins: OriginPolicy,
    private readonly corsOrigins: readonly string[],
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    return super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
      pingInterval: 20_000,
      pingTimeout: 20_000,
      cors: { origin: this.corsOrigins.length > 0 ? [...this.corsOrigins] : false },
      // Checked on the handshake of every transport, before any namespace middleware runs.
      allowRequest: (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
        const allowed = this.origins.allowsRequest(req);
        callback(allowed ? null : 'origin not allowed', allowed);
      },
      serveClient: false,
    }) as Server;
  }
}
