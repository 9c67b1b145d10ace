/** Users of a channel: filter by status, search by GUID, each user's audit trail with the explanation, Provision now. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { call } from '../api/call';
import { explain } from '../logic/explain';
import { Button, Checks, Errors, Field, Section, Select, str, useCan, EmptyRow } from '../ui';

type User = { guid: string; concurId: string | null; status: string; attempts: number; lastErrorCode: string | null; lastError: string | null; updatedAt: string };
export type AuditRow = { at: string; action: string; outcome: string; reason: string; message?: string; guid: string; cycleId?: number };

export function UsersPage({ id, guid }: { id: string; guid?: string }) {
  const canOperate = useCan('operator');
  const [status, setStatus] = useState('failed');
  const [users, setUsers] = useState<User[]>([]);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [search, setSearch] = useState(guid ?? '');
  const [user, setUser] = useState<User & { audit: AuditRow[] }>();
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<{ action: string; outcome: string; reason?: string; message?: string }>();

  useEffect(() => {
    void call<{ users: User[]; counts: Record<string, number> }>(api.GET('/api/v1/channels/{id}/users', { params: { path: { id }, query: { status: status as never } } })).then((r) => {
      if (r.ok) {
        setUsers(r.data.users);
        setCounts(r.data.counts);
      }
    });
  }, [id, status]);
  const open = async (g: string, keepResult = false) => {
    if (!keepResult) setResult(undefined);
    const r = await call<User & { audit: AuditRow[] }>(api.GET('/api/v1/channels/{id}/users/{guid}', { params: { path: { id, guid: g } } }));
    if (r.ok) {
      setUser(r.data);
      setError(undefined);
    } else {
      setUser(undefined);
      setError(r.problem.detail ?? 'not found');
    }
  };
  useEffect(() => {
    if (guid) void open(guid);
  }, [guid]);
  const provision = async () => {
    if (!user) return;
    const r = await call<{ action: string; outcome: string; reason?: string; message?: string }>(api.POST('/api/v1/channels/{id}/users/{guid}/provision', { params: { path: { id, guid: user.guid } }, body: {} }));
    setResult(r.ok ? r.data : { action: 'provision', outcome: 'failed', message: r.problem.detail });
    // Refresh the trail with the new attempt, keeping the answer just shown.
    await open(user.guid, true);
  };

  return (
    <>
      <Section title={`Users of ${id}`} actions={
          <>
            <a href={`#/channel/${id}`}>Dashboard</a>
            <a href={`#/channel/${id}/audit`}>Audit</a>
          </>
        }
      >
        <p>
          {Object.entries(counts)
            .map(([k, v]) => `${k}: ${v}`)
            .join(' · ')}
        </p>
        <form
          class="grid"
          aria-label="Find a user"
          onSubmit={(e) => {
            e.preventDefault();
            if (search.trim()) location.hash = `#/channel/${id}/users/${encodeURIComponent(search.trim())}`;
          }}
        >
          <Field label="GUID" name="guid" value={search} onInput={setSearch} error={error} />
          <div class="field">
            <span>&nbsp;</span>
            <button class="btn primary" type="submit">
              Search
            </button>
          </div>
          <Select label="Status" name="status" value={status} onChange={setStatus} options={[['failed', 'Failed or retrying'], ['active', 'Active'], ['disabled', 'Disabled'], ['deleted', 'Deleted']]} />
        </form>
        <div class="table-wrap">
          <table aria-label="Users">
            <thead>
              <tr>
                <th>GUID</th>
                <th>Status</th>
                <th>Attempts</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.guid} data-guid={u.guid}>
                  <td>
                    <a href={`#/channel/${id}/users/${encodeURIComponent(u.guid)}`}>{u.guid}</a>
                  </td>
                  <td>{u.status}</td>
                  <td>{u.attempts}</td>
                  <td>{[u.lastErrorCode, u.lastError].filter(Boolean).join(': ')}</td>
                </tr>
              ))}
              <EmptyRow when={users.length === 0} columns={4}>No user with this status.</EmptyRow>
            </tbody>
          </table>
        </div>
      </Section>
      {user ? (
        <Section title={`User ${user.guid}`} actions={canOperate ? <Button onClick={() => void provision()}>Provision now</Button> : null}>
          <dl class="kv">
            <dt>Status</dt>
            <dd data-testid="user-status">{user.status}</dd>
            <dt>Concur id</dt>
            <dd>{str(user.concurId) || 'none'}</dd>
            <dt>Last error</dt>
            <dd>{[user.lastErrorCode, user.lastError].filter(Boolean).join(': ') || 'none'}</dd>
          </dl>
          {result ? <Checks checks={[{ name: 'config', ok: result.outcome !== 'failed', message: `${result.action}: ${result.outcome}${result.reason ? ` (${result.reason})` : ''}${result.message ? ` — ${result.message}` : ''}` }]} label="Provision result" /> : null}
          <Errors messages={[]} />
          <h3>Audit trail</h3>
          <ol class="audit" aria-label="Audit trail">
            {user.audit.map((a, i) => (
              <li key={i} data-outcome={a.outcome}>
                <strong>
                  {new Date(a.at).toLocaleString()} · {a.action} · {a.outcome}
                </strong>
                <div class="explanation">{explain(a)}</div>
              </li>
            ))}
          </ol>
        </Section>
      ) : null}
    </>
  );
}
