import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { AgentDirectory } from '../agents/agent-directory.service';
import { ConnectedSockets } from '../realtime/connected-sockets';
import { MetricsRegistry } from './metrics-registry';

/** Agents online and offline (every workspace, from the agents table) and sockets held here. */
@Injectable()
export class FleetMetrics {
  constructor(metrics: MetricsRegistry, agents: AgentDirectory, sockets: ConnectedSockets) {
    const registers = [metrics.registry];
    new Gauge({
      name: 'netwatcher_agents',
      help: 'Agents by state: online (seen within the presence window) or offline; deleted agents are not counted.',
      labelNames: ['state'],
      registers,
      async collect() {
        await metrics.readSafely('netwatcher_agents', async () => {
          const { online, offline } = await agents.countByPresence();
          this.set({ state: 'online' }, online);
          this.set({ state: 'offline' }, offline);
        });
      },
    });
    new Gauge({
      name: 'netwatcher_connected_sockets',
      help: 'Socket.IO connections held by this controller process, by namespace (agent, panel).',
      labelNames: ['namespace'],
      registers,
      collect() {
        this.set({ namespace: 'agent' }, sockets.count('agent'));
        this.set({ namespace: 'panel' }, sockets.count('panel'));
      },
    });
  }
}
