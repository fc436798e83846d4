import { canonicalJson, ChainedEntry, ChainVerifier, entryHash, GENESIS_HASH, sanitiseChanges } from './audit-chain';

function chain(n: number): Array<{ id: string; entry: ChainedEntry; hash: string }> {
  const out: Array<{ id: string; entry: ChainedEntry; hash: string }> = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const entry: ChainedEntry = {
      workspace_id: 7,
      seq,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      actor_user_id: 1,
      actor_token_id: null,
      source_address: '127.0.0.1',
      request_id: `r${seq}`,
      action: 'workspace.updated',
      target_type: 'workspace',
      target_id: '7',
      changes: { description: { from: `d${seq - 1}`, to: `d${seq}` } },
      prev_hash: prev,
    };
    const hash = entryHash(entry);
    out.push({ id: String(100 + seq), entry, hash });
    prev = hash;
  }
  return out;
}

function verify(rows: Array<{ id: string; entry: ChainedEntry; hash: string }>) {
  const v = new ChainVerifier();
  for (const r of rows) {
    const broken = v.push(r.id, r.entry, r.hash);
    if (broken) return broken;
  }
  return null;
}

describe('canonicalJson', () => {
  it('sorts keys at every level, so jsonb key reordering does not change the hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
    expect(entryHash(chain(1)[0].entry)).toBe(
      entryHash({ ...chain(1)[0].entry, changes: JSON.parse('{"description":{"to":"d1","from":"d0"}}') }),
    );
  });
});

describe('ChainVerifier', () => {
  it('accepts an intact chain, and one whose oldest entries were pruned', () => {
    expect(verify(chain(5))).toBeNull();
    expect(verify(chain(5).slice(2))).toBeNull();
  });

  it('names the first changed, relinked, missing or forged-start entry', () => {
    const changed = chain(5);
    changed[2].entry = { ...changed[2].entry, changes: { description: { from: 'd2', to: 'forged' } } };
    expect(verify(changed)).toEqual({ id: '103', seq: 3, reason: 'hash_mismatch' });

    const rehashed = chain(5);
    rehashed[2].entry = { ...rehashed[2].entry, actor_user_id: 666 };
    rehashed[2].hash = entryHash(rehashed[2].entry);
    expect(verify(rehashed)).toEqual({ id: '104', seq: 4, reason: 'link_mismatch' });

    const gap = chain(5);
    gap.splice(1, 1);
    expect(verify(gap)).toEqual({ id: '103', seq: 3, reason: 'missing_entries' });

    const start = chain(2);
    start[0].entry = { ...start[0].entry, prev_hash: 'f'.repeat(64) };
    start[0].hash = entryHash(start[0].entry);
    expect(verify(start)).toEqual({ id: '101', seq: 1, reason: 'bad_start' });
  });
});

describe('sanitiseChanges', () => {
  it('redacts secret-looking keys whatever the caller passed', () => {
    expect(
      sanitiseChanges({
        password: 'p',
        psk: 'k',
        webhook_secret: { from: 'a', to: 'b' },
        pin: '123456',
        token: 't',
        name: 'ok',
        token_id: 3,
      }),
    ).toEqual({
      password: '[redacted]',
      psk: '[redacted]',
      webhook_secret: { from: '[redacted]', to: '[redacted]' },
      pin: '[redacted]',
      token: '[redacted]',
      name: 'ok',
      token_id: 3,
    });
  });

  it('keeps only what jsonb can store, and little of it', () => {
    const out = sanitiseChanges({
      nul: 'a\u0000b',
      lone: 'x\uD800y',
      pair: '😀',
      long: 'z'.repeat(2000),
      list: Array.from({ length: 60 }, (_, i) => i),
    });
    expect(out.nul).toBe('a\uFFFDb');
    expect(out.lone).toBe('x\uFFFDy');
    expect(out.pair).toBe('😀');
    expect(out.long).toMatch(/^z{500}… \(2000 characters\)$/);
    expect(out.list).toHaveLength(51);
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20; i++) deep = { deep };
    expect(JSON.stringify(sanitiseChanges(deep))).toContain('[nested too deep]');
  });
});
