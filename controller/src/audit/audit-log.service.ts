import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, MoreThan, Raw, Repository, SelectQueryBuilder } from 'typeorm';
import { ListResponse, toList } from '../common/pagination';
import { parseTimeRange } from '../common/time-range';
import { ChainVerifier } from './audit-chain';
import { AuditEntryEntity } from './audit-entry.entity';
import { auditCsv } from './audit-csv';
import { AuditQueryDto } from './dto/audit-query.dto';
import { AuditEntryView, AuditVerifyView, chainedEntryOf, toAuditEntryView } from './audit.view';
import { chainKey } from './audit-writer.service';

/** The most entries one CSV export holds (newest first); narrow with from/to for more. */
export const CSV_MAX_ROWS = 100_000;
const VERIFY_PAGE = 1_000;

/** Reads and verifies one chain: a workspace's, or the instance's (workspaceId null). */
@Injectable()
export class AuditLogService {
  constructor(@InjectRepository(AuditEntryEntity) private readonly entries: Repository<AuditEntryEntity>) {}

  async list(workspaceId: number | null, query: AuditQueryDto): Promise<ListResponse<AuditEntryView>> {
    const qb = this.filtered(workspaceId, query);
    const total = await qb.getCount();
    const rows = await qb.orderBy('e.seq', 'DESC').offset(query.offset).limit(query.limit).getMany();
    return toList(rows.map(toAuditEntryView), total, query);
  }

  /** Every matching entry (up to CSV_MAX_ROWS, newest first); pagination does not apply. */
  async csv(workspaceId: number | null, query: AuditQueryDto): Promise<string> {
    const rows = await this.filtered(workspaceId, query).orderBy('e.seq', 'DESC').limit(CSV_MAX_ROWS).getMany();
    return auditCsv(rows.map(toAuditEntryView));
  }

  /** Walks the kept chain in pages and stops at the first entry that does not verify. */
  async verify(workspaceId: number | null): Promise<AuditVerifyView> {
    const chain = chainKey(workspaceId);
    const verifier = new ChainVerifier();
    let after = '0';
    for (;;) {
      const page = await this.entries.find({
        where: { workspaceId: Raw((alias) => `COALESCE(${alias}, 0) = :chain`, { chain }), seq: MoreThan(after) },
        order: { seq: 'ASC' },
        take: VERIFY_PAGE,
      });
      for (const row of page) {
        const broken = verifier.push(row.id, chainedEntryOf(row), row.hash);
        if (broken) {
          return {
            ok: false,
            checked: verifier.checked,
            first_seq: verifier.firstSeq,
            last_seq: verifier.lastSeq,
            broken: { ...broken, id: Number(broken.id) },
          };
        }
      }
      if (page.length < VERIFY_PAGE) break;
      after = page[page.length - 1].seq;
    }
    return {
      ok: true,
      checked: verifier.checked,
      first_seq: verifier.firstSeq,
      last_seq: verifier.lastSeq,
      broken: null,
    };
  }

  private filtered(workspaceId: number | null, query: AuditQueryDto): SelectQueryBuilder<AuditEntryEntity> {
    const { from, to } = parseTimeRange(query.from, query.to);
    const qb = this.entries
      .createQueryBuilder('e')
      .where('COALESCE(e.workspace_id, 0) = :chain', { chain: chainKey(workspaceId) });
    if (query.actor !== undefined) qb.andWhere('e.actor_user_id = :actor', { actor: query.actor });
    if (query.action !== undefined) {
      const action = query.action;
      qb.andWhere(
        new Brackets((w) => {
          w.where('e.action = :action', { action });
          // An area (no dot) matches all of its actions (starts_with: `_` would be a LIKE wildcard).
          if (!action.includes('.')) w.orWhere('starts_with(e.action, :area)', { area: `${action}.` });
        }),
      );
    }
    if (from) qb.andWhere('e.at >= :from', { from });
    if (to) qb.andWhere('e.at <= :to', { to });
    return qb;
  }
}
