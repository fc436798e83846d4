import type { ProbeConfig } from '@netwatcher/shared';
import type { Logger } from '../../log';
import { keyFromBase64 } from './trafficsim.codec';
import { TrafficsimListener } from './trafficsim.server';

/**
 * Keeps one UDP listener per port of the enabled TRAFFICSIM server probes in the agent's probe
 * set, each answering only the clients the controller paired with it. `apply` runs on every
 * probe set the controller pushes: listeners start for new server probes, stop when their probe
 * goes, and take new keys in place (no rebind) when pairs change.
 */
export class TrafficsimServers {
  private readonly listeners = new Map<number, TrafficsimListener>();
  private applying: Promise<void> = Promise.resolve();

  constructor(private readonly log: Logger) {}

  /** Serialised: a second push waits for the first to finish binding. */
  apply(probes: readonly ProbeConfig[]): Promise<void> {
    this.applying = this.applying.then(() => this.reconcile(probes));
    return this.applying;
  }

  ports(): number[] {
    return [...this.listeners.keys()];
  }

  async close(): Promise<void> {
    await this.applying;
    await Promise.all([...this.listeners.values()].map((l) => l.close()));
    this.listeners.clear();
  }

  private async reconcile(probes: readonly ProbeConfig[]): Promise<void> {
    const wanted = new Map<number, Map<number, Buffer>>();
    for (const p of probes) {
      if (p.type !== 'TRAFFICSIM' || !p.server || !p.enabled || !p.trafficsim) continue;
      const keys = wanted.get(p.trafficsim.port) ?? new Map<number, Buffer>();
      for (const c of p.trafficsim.clients ?? []) keys.set(c.key_id, keyFromBase64(c.key));
      wanted.set(p.trafficsim.port, keys);
    }
    for (const [port, listener] of this.listeners) {
      if (wanted.has(port)) continue;
      await listener.close();
      this.listeners.delete(port);
      this.log.info({ port }, 'TRAFFICSIM server stopped');
    }
    for (const [port, keys] of wanted) {
      let listener = this.listeners.get(port);
      if (!listener) {
        listener = new TrafficsimListener(port);
        try {
          await listener.start();
        } catch (e) {
          // Tried again on the next probe set; the clients meanwhile report 100 % loss.
          this.log.error({ port, err: (e as Error).message }, 'TRAFFICSIM server cannot listen');
          continue;
        }
        this.listeners.set(port, listener);
        this.log.info({ port, clients: keys.size }, 'TRAFFICSIM server listening');
      }
      if (listener.responder.setKeys(keys)) this.log.info({ port, clients: keys.size }, 'TRAFFICSIM server keys');
    }
  }
}
