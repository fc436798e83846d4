import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { NetworkMapUpdateMessage } from '@netwatcher/shared';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import type { RouteCheck } from '../events/domain-events';
import { DomainEventBus } from '../events/event-bus';
import { KeyedThrottle } from './map-update-throttle';
import { NetworkMapService } from './network-map.service';

/** The topology of a map: its node ids and edges, without the measurements on them. */
export function topologyOf(map: { nodes: readonly { id: string }[]; edges: readonly { from: string; to: string }[] }): string {
  const nodes = map.nodes.map((n) => n.id).sort();
  const edges = map.edges.map((e) => `${e.from}\u0000${e.to}`).sort();
  return JSON.stringify([nodes, edges]);
}

/** Route outcomes that can change the drawn topology; `same` and `stale` cannot. */
const MAY_CHANGE_TOPOLOGY = new Set<RouteCheck['outcome']>(['first', 'alternate', 'changed']);

/**
 * `network_map_update` for the panel: when a stored MTR result took a path other than its
 * series' last one, the workspace's map is rebuilt (throttled per workspace,
 * NETWORK_MAP_UPDATE_MIN_INTERVAL_MS) and published as `network_map.changed` only if its
 * topology (nodes, edges) differs from the one published last. RTT and loss changes alone
 * publish nothing.
 */
@Injectable()
export class MapUpdates implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(MapUpdates.name);
  private readonly published = new Map<number, string>();
  private readonly throttle: KeyedThrottle<number>;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly maps: NetworkMapService,
    private readonly events: DomainEventBus,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.throttle = new KeyedThrottle(config.networkMap.updateMinIntervalMs, (workspaceId) => this.publish(workspaceId));
  }

  onModuleInit(): void {
    this.unsubscribe.push(
      this.events.on('route.checked', (checks) => {
        for (const c of checks) if (MAY_CHANGE_TOPOLOGY.has(c.outcome)) this.throttle.request(c.workspaceId);
      }),
      this.events.on('workspace.deleted', ({ workspaceId }) => {
        this.throttle.forget(workspaceId);
        this.published.delete(workspaceId);
      }),
    );
  }

  async onModuleDestroy(): Promise<void> {
    for (const off of this.unsubscribe) off();
    await this.throttle.stop();
  }

  private async publish(workspaceId: number): Promise<void> {
    try {
      const map = await this.maps.build(workspaceId);
      const topology = topologyOf(map);
      if (this.published.get(workspaceId) === topology) return;
      this.published.set(workspaceId, topology);
      const message: NetworkMapUpdateMessage = { type: 'network_map_update', workspace_id: workspaceId, nodes: map.nodes, edges: map.edges, generated_at: map.generated_at };
      await this.events.emit('network_map.changed', message);
    } catch (err) {
      this.logger.warn({ err, workspace_id: workspaceId }, 'network map update failed');
    }
  }
}
