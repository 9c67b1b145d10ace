import type { DesiredConcurUser } from '../../../src/domain/concur-user';
import type { UserMapper } from '../../../src/domain/mapping/user-mapper';
import { planEntry, type EntryPlanRules } from '../../../src/domain/plan/plan-entry';
import type { ManagedUserState } from '../../../src/domain/plan/plan-user';
import type { SourceEntry } from '../../../src/domain/source-entry';

const now = new Date('2026-11-28T10:00:00Z');
const rules: EntryPlanRules = { provisionDisabledUsers: false, removeAction: 'disable', exclusion: { dns: ['cn=admin,dc=example'] } };
const entry = (over: Partial<SourceEntry> = {}): SourceEntry => ({ guid: 'g1', dn: 'cn=ann,dc=example', attributes: { uid: ['ann'] }, enabled: true, ...over });
const desired = { identity: { userName: 'ann@example.com', active: true, enterprise: {} } } as unknown as DesiredConcurUser;

/** A fake mapper that counts its calls: planning must not map when the decision needs no mapping. */
function fakeMapper(outcome: Awaited<ReturnType<UserMapper['map']>>): UserMapper & { calls: number } {
  const mapper = {
    calls: 0,
    async map() {
      mapper.calls++;
      return outcome;
    },
  };
  return mapper;
}
const mapsTo = (hash: string) => fakeMapper({ ok: true, user: desired, hash });

describe('planEntry: one source entry through scope, status, mapping and diff', () => {
  it('excludes an entry the exclusion rule names, without mapping it', async () => {
    const mapper = mapsTo('h1');
    await expect(planEntry(entry({ dn: 'CN=admin, DC=example' }), undefined, rules, mapper, now)).resolves.toEqual({ kind: 'excluded' });
    await expect(planEntry(entry({ excluded: true }), undefined, rules, mapper, now)).resolves.toEqual({ kind: 'excluded' });
    expect(mapper.calls).toBe(0);
  });

  it('decides on the status alone when it can (a disabled user is disabled without mapping)', async () => {
    const mapper = mapsTo('h1');
    const existing: ManagedUserState = { status: 'active', concurId: 'c1', lastHash: 'h1' };
    await expect(planEntry(entry({ enabled: false }), existing, rules, mapper, now)).resolves.toEqual({ kind: 'decided', decision: { kind: 'action', action: 'disable', reason: 'disabled in source' } });
    expect(mapper.calls).toBe(0);
  });

  it('maps and creates a user new in scope, returning the desired state and hash', async () => {
    await expect(planEntry(entry(), undefined, rules, mapsTo('h1'), now)).resolves.toEqual({
      kind: 'decided',
      decision: { kind: 'action', action: 'create', reason: 'new in scope' },
      mapped: { user: desired, hash: 'h1' },
    });
  });

  it('diffs against the provisioner database: changed hash updates, same hash skips', async () => {
    const existing: ManagedUserState = { status: 'active', concurId: 'c1', lastHash: 'h1' };
    await expect(planEntry(entry(), existing, rules, mapsTo('h2'), now)).resolves.toMatchObject({ decision: { kind: 'action', action: 'update', reason: 'mapped values changed' } });
    await expect(planEntry(entry(), existing, rules, mapsTo('h1'), now)).resolves.toMatchObject({ decision: { kind: 'skip', reason: 'unchanged' } });
  });

  it('reports a mapping rejection naming each field, with a hash of the errors (no values)', async () => {
    const errors = [{ field: 'identity.userName', message: 'is required', code: 'required' }];
    const planned = await planEntry(entry(), undefined, rules, fakeMapper({ ok: false, errors }), now);
    expect(planned).toMatchObject({ kind: 'invalid', message: 'identity.userName: is required' });
    expect(planned.kind === 'invalid' && planned.failedHash).toMatch(/^invalid:[0-9a-f]+$/);
    const again = await planEntry(entry(), undefined, rules, fakeMapper({ ok: false, errors }), now);
    expect(again).toEqual(planned);
  });
});
