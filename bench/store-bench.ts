/**
 * Provisioner-database throughput at 100k users, the shape of one full cycle:
 *   npx tsx bench/store-bench.ts [users]           SQLite temp file (the default store)
 *   OUTBOUND_BENCH_PG_URL=postgres://... npx tsx bench/store-bench.ts   also PostgreSQL
 * Prints ops/s (users, GUIDs or items per second) per operation, pages of 500 like the planner.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DesiredConcurUser } from '../src/domain/concur-user';
import type { KnexStateStore } from '../src/store/knex-state-store';
import { openStateStore } from '../src/store/open-state-store';
import type { PlanItem, ProvisionedUserPatch } from '../src/store/state-store';

const USERS = Number(process.argv[2] ?? 100_000);
const PAGE = 500;
const CHANNEL = 'bench';

interface Result {
  op: string;
  count: number;
  ms: number;
}

async function timed(op: string, count: number, work: () => Promise<void>): Promise<Result> {
  const start = performance.now();
  await work();
  return { op, count, ms: performance.now() - start };
}

const guid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function desired(i: number): DesiredConcurUser {
  return {
    identity: {
      userName: `user${i}@example.com`,
      active: true,
      externalId: guid(i),
      displayName: `User ${i}`,
      name: { givenName: 'Given', familyName: `Family${i}` },
      emails: [{ type: 'work', value: `user${i}@example.com` }],
      enterprise: { employeeNumber: `E${i}`, costCenter: 'CC1', department: 'Dept' },
    },
  } as unknown as DesiredConcurUser;
}

async function bench(label: string, store: KnexStateStore): Promise<void> {
  const guids = Array.from({ length: USERS }, (_, i) => guid(i));
  const pages: string[][] = [];
  for (let i = 0; i < USERS; i += PAGE) pages.push(guids.slice(i, i + PAGE));
  const results: Result[] = [];

  results.push(
    await timed('upsertUsers (insert, page 500)', USERS, async () => {
      for (const page of pages) {
        await store.upsertUsers(
          page.map((g, j): ProvisionedUserPatch => ({ channelId: CHANNEL, guid: g, concurId: `C-${g}`, status: 'active', lastHash: `h${j}`, sourceEnabled: true, attempts: 0 })),
        );
      }
    }),
  );
  results.push(
    await timed('getUsers (page 500)', USERS, async () => {
      for (const page of pages) {
        const found = await store.getUsers(CHANNEL, page);
        if (found.size !== page.length) throw new Error(`getUsers found ${found.size} of ${page.length}`);
      }
    }),
  );
  results.push(
    await timed('markSeen (page 500)', USERS, async () => {
      for (const page of pages) await store.markSeen(CHANNEL, page, 2);
    }),
  );
  const cycle = await store.startCycle(CHANNEL, 'full', false);
  results.push(
    await timed('addPlanItems (page 500, with desired JSON)', USERS, async () => {
      let seq = 0;
      for (const page of pages) {
        const items: PlanItem[] = page.map((g) => {
          const s = seq++;
          return { cycleId: cycle.id, seq: s, guid: g, action: 'update', reason: 'mapped values changed', batchNo: Math.floor(s / 250), desired: desired(s), desiredHash: `h${s}` };
        });
        await store.addPlanItems(items);
      }
    }),
  );
  const batches = Math.ceil(USERS / 250);
  results.push(
    await timed('getPlanBatch (batch 250)', USERS, async () => {
      for (let b = 0; b < batches; b++) await store.getPlanBatch(cycle.id, b);
    }),
  );
  results.push(
    await timed('upsertUsers (update after write, page 250)', USERS, async () => {
      for (let i = 0; i < USERS; i += 250) {
        await store.upsertUsers(
          guids.slice(i, i + 250).map((g) => ({ channelId: CHANNEL, guid: g, status: 'active', lastHash: 'h2', attempts: 0, lastError: undefined, lastErrorCode: undefined, failedHash: undefined, nextAttemptAt: undefined })),
        );
      }
    }),
  );
  results.push(
    await timed('recordPlanOutcomes (batch 250)', USERS, async () => {
      for (let i = 0; i < USERS; i += 250) {
        await store.recordPlanOutcomes(Array.from({ length: Math.min(250, USERS - i) }, (_, j) => ({ cycleId: cycle.id, seq: i + j, outcome: 'succeeded' as const })));
      }
    }),
  );
  const single = Math.min(USERS, 5_000);
  results.push(
    await timed('upsertUser (one at a time)', single, async () => {
      for (let i = 0; i < single; i++) await store.upsertUser({ channelId: CHANNEL, guid: guids[i], lastHash: 'h3' });
    }),
  );
  results.push(
    await timed('recordPlanOutcome (one at a time)', single, async () => {
      for (let i = 0; i < single; i++) await store.recordPlanOutcome(cycle.id, i, 'succeeded');
    }),
  );
  // Every user unseen in cycle 3: the worst case for the removal scan.
  results.push(
    await timed('listUnseen (page 500, all unseen)', USERS, async () => {
      let after: string | undefined;
      let n = 0;
      for (;;) {
        const page = await store.listUnseen(CHANNEL, 3, after, PAGE);
        if (!page.length) break;
        n += page.length;
        after = page[page.length - 1].guid;
      }
      if (n !== USERS) throw new Error(`listUnseen saw ${n}`);
    }),
  );
  results.push(await timed('listUnseen (all seen)', 1, async () => void (await store.listUnseen(CHANNEL, 2, undefined, PAGE))));

  console.log(`\n${label}: ${USERS.toLocaleString('en-US')} users`);
  for (const r of results) {
    const rate = Math.round((r.count / r.ms) * 1000);
    console.log(`  ${r.op.padEnd(46)} ${String(r.count).padStart(7)} in ${(r.ms / 1000).toFixed(2).padStart(6)} s  ${rate.toLocaleString('en-US').padStart(9)} ops/s`);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'outbound-store-bench-'));
  try {
    const sqlite = await openStateStore({ client: 'better-sqlite3', filename: join(dir, 'outbound.db') }, { key: randomBytes(32) });
    try {
      await bench('SQLite (WAL, synchronous=NORMAL)', sqlite);
    } finally {
      await sqlite.close();
    }
    const pgUrl = process.env.OUTBOUND_BENCH_PG_URL;
    if (pgUrl) {
      const schema = `outbound_bench_${randomBytes(4).toString('hex')}`;
      const pg = await openStateStore({ client: 'pg', connection: pgUrl, schema }, { key: randomBytes(32) });
      try {
        await bench('PostgreSQL', pg);
      } finally {
        await pg.db.raw('DROP SCHEMA ?? CASCADE', [schema]);
        await pg.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
