import { Injectable } from '@nestjs/common';
import { AlertSubjects } from './alert-subjects';
import type { AlertEntity } from './alert.entity';
import { AlertSubjectNames, AlertView, toAlertView } from './alert.view';

/** Alerts as the API and the panel show them, with current probe and agent names. */
@Injectable()
export class AlertViews {
  constructor(private readonly subjects: AlertSubjects) {}

  /** One names query per workspace on the page. */
  async build(rows: readonly AlertEntity[]): Promise<AlertView[]> {
    const byWorkspace = new Map<number, AlertEntity[]>();
    for (const a of rows) byWorkspace.set(a.workspaceId, [...(byWorkspace.get(a.workspaceId) ?? []), a]);
    const names = new Map<number, AlertSubjectNames>();
    for (const [workspaceId, alerts] of byWorkspace) {
      const probes = await this.subjects.probes(workspaceId, alerts.flatMap((a) => (a.probeId ? [a.probeId] : [])));
      const agents = await this.subjects.agents(workspaceId, alerts.flatMap((a) => (a.agentId ? [a.agentId] : [])));
      for (const a of alerts) {
        const probe = a.probeId ? probes.get(a.probeId) : undefined;
        names.set(a.id, {
          probe_type: probe?.type ?? null,
          probe_name: probe?.name ?? null,
          agent_name: (a.agentId ? agents.get(a.agentId)?.name : undefined) ?? null,
        });
      }
    }
    return rows.map((a) => toAlertView(a, names.get(a.id) ?? { probe_type: null, probe_name: null, agent_name: null }));
  }
}
