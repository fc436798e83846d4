import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';

export type SocketNamespace = 'agent' | 'panel';

/**
 * How many sockets this process holds per namespace, read when asked (metrics). Each gateway
 * registers its namespace once; the count is Socket.IO's own, so it cannot drift from a
 * counter that missed a disconnect.
 */
@Injectable()
export class ConnectedSockets {
  private readonly namespaces = new Map<SocketNamespace, Pick<Namespace, 'sockets'>>();

  track(name: SocketNamespace, nsp: Pick<Namespace, 'sockets'>): void {
    this.namespaces.set(name, nsp);
  }

  count(name: SocketNamespace): number {
    return this.namespaces.get(name)?.sockets.size ?? 0;
  }
}
