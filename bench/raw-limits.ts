/**
 * The raw ceilings the engine is measured against: the Concur simulator's create and PATCH rate
 * with a keep-alive client (no engine in between), and the LDAP read rate of the channel source
 * requesting only what the mapping needs.
 */
import { Pool } from 'undici';
import { createLdapChannelSource, type LdapChannel } from '../src/datastores/ldap-channel-source';
import type { LdapDatastoreConfig } from '../src/domain/config/datastore-config';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const SIM_TOKEN = 'outbound-demo-token';

/** Runs `total` jobs with at most `concurrency` in flight; returns jobs per second. */
export async function drive(total: number, concurrency: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) await job(next++);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

async function send(pool: Pool, method: 'POST' | 'PATCH', path: string, body: unknown, expect: number): Promise<{ id: string }> {
  const res = await pool.request({ method, path, headers: { authorization: `Bearer ${SIM_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.body.json()) as { id: string };
  if (res.statusCode !== expect) throw new Error(`${method} ${path} answered ${res.statusCode}: ${JSON.stringify(json)}`);
  return json;
}

export async function resetSimulator(base: string): Promise<void> {
  const res = await fetch(`${base}/_sim/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`simulator reset answered ${res.status}`);
}

export interface RawRate {
  concurrency: number;
  users: number;
  createsPerSec: number;
  patchesPerSec: number;
}

/** Resets the simulator, creates `users` users, PATCHes each, at `concurrency` over a keep-alive pool. */
export async function simulatorRawRate(base: string, users: number, concurrency: number): Promise<RawRate> {
  const pool = new Pool(base, { connections: concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  try {
    await resetSimulator(base);
    const ids: string[] = new Array(users);
    const createsPerSec = await drive(users, concurrency, async (i) => {
      const u = await send(pool, 'POST', '/profile/identity/v4.1/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `bench${i}@example.org`,
        active: true,
        name: { givenName: 'Bench', familyName: `User${i}` },
        emails: [{ value: `bench${i}@example.org`, type: 'work' }],
        [ENT]: { employeeNumber: `B${i}` },
      }, 200);
      ids[i] = u.id;
    });
    const patchesPerSec = await drive(users, concurrency, async (i) => {
      await send(pool, 'PATCH', `/profile/identity/v4.1/Users/${ids[i]}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'replace', path: 'name.familyName', value: `Patched${i}` },
          { op: 'replace', path: `${ENT}:costCenter`, value: 'CC1' },
        ],
      }, 200);
    });
    return { concurrency, users, createsPerSec: Math.round(createsPerSec), patchesPerSec: Math.round(patchesPerSec) };
  } finally {
    await pool.close();
    await resetSimulator(base);
  }
}

export interface LdapRate {
  entries: number;
  seconds: number;
  entriesPerSec: number;
  attributes: string;
}

/** One full read of the channel's scope through the LDAP channel source, as a cycle reads it. */
export async function ldapReadRate(datastore: LdapDatastoreConfig, channel: LdapChannel, password: string): Promise<LdapRate> {
  const source = createLdapChannelSource(datastore, channel, { resolve: async () => password });
  try {
    let entries = 0;
    const t = performance.now();
    for await (const page of source.read({ mode: 'full' })) entries += page.entries.length;
    const seconds = (performance.now() - t) / 1000;
    return { entries, seconds, entriesPerSec: Math.round(entries / seconds), attributes: channel.mappedAttributes ? `mapped (${channel.mappedAttributes.join(', ')}) + source settings` : 'all (*)' };
  } finally {
    await source.close();
  }
}
