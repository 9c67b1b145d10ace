/**
 * A channel's live dashboard (polled every 2 s): phase and the current cycle's progress, counts,
 * recent cycles, the breaker, a held cycle's Approve/Reject, Pause/Resume, Sync now, Dry run with
 * its diff, and the link to the run in the Temporal Web UI.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { call } from '../api/call';
import { progressPercent } from '../logic/progress';
import { Button, Errors, Section, str, useCan, EmptyRow } from '../ui';

type Counts = Record<string, number>;
type Status = {
  phase: string;
  paused: boolean;
  currentCycle?: { cycleNo: number; mode: string; dryRun: boolean };
  lastCycle?: { cycleNo: number; outcome: string; counts: Counts; durationMs: number };
  lastFailure?: { message?: string };
  progress?: { phase: string; batches: number; batchesDone: number; counts?: Counts; breakerReason?: string; guard?: { removals: number; managed: number; limit: string } };
  links?: { temporalUi?: string };
};
type Cycle = { cycleNo: number; mode: string; dryRun: boolean; outcome?: string; counts?: Counts; startedAt?: string; finishedAt?: string; durationMs?: number; links?: { temporalUi?: string } };
type PlanItem = { seq: number; guid: string; action: string; reason: string; outcome: string | null; message: string | null };

export function DashboardPage({ id }: { id: string }) {
  const canOperate = useCan('operator');
  const [status, setStatus] = useState<Status>();
  const [statusError, setStatusError] = useState<string>();
  const [cycles, setCycles] = useState<Cycle[]>([]);
  const [message, setMessage] = useState<string[]>([]);
  const [diff, setDiff] = useState<{ cycleNo: number; plan: PlanItem[] }>();
  const [busy, setBusy] = useState(false);

  const poll = async () => {
    const s = await call<Status>(api.GET('/api/v1/channels/{id}/status', { params: { path: { id } } }));
    if (s.ok) {
      setStatus(s.data);
      setStatusError(undefined);
    } else setStatusError(s.problem.detail ?? 'no status');
    const c = await call<Cycle[]>(api.GET('/api/v1/channels/{id}/cycles', { params: { path: { id }, query: { limit: '10' as never } } }));
    if (c.ok) setCycles(c.data);
  };
  useEffect(() => {
    void poll();
    const timer = setInterval(() => void poll(), 2000);
    return () => clearInterval(timer);
  }, [id]);

  const op = async (action: 'pause' | 'resume') => {
    const res = await call(api.POST(`/api/v1/channels/{id}/${action}`, { params: { path: { id } } }));
    setMessage(res.ok ? [] : [res.problem.detail ?? `${action} failed`]);
    await poll();
  };
  const sync = async (dryRun: boolean) => {
    setBusy(true);
    const res = await call<{ cycleNo: number; summary?: unknown }>(api.POST('/api/v1/channels/{id}/sync', { params: { path: { id } }, body: dryRun ? { dryRun: true, wait: true, timeoutSeconds: 120 } : {} }));
    setBusy(false);
    if (!res.ok) return setMessage([res.problem.detail ?? 'sync refused']);
    setMessage([]);
    if (dryRun) {
      const plan = await call<{ plan: PlanItem[] }>(api.GET('/api/v1/channels/{id}/cycles/{cycleNo}', { params: { path: { id, cycleNo: String(res.data.cycleNo) as never }, query: { limit: '200' as never } } }));
      if (plan.ok) setDiff({ cycleNo: res.data.cycleNo, plan: plan.data.plan });
    }
    await poll();
  };
  const decide = async (cycleNo: number, decision: 'approve' | 'reject') => {
    const res = await call(api.POST(`/api/v1/channels/{id}/cycles/{cycleNo}/${decision}`, { params: { path: { id, cycleNo: String(cycleNo) as never } } }));
    setMessage(res.ok ? [] : [res.problem.detail ?? `${decision} failed`]);
    await poll();
  };

  const p = status?.progress;
  const counts = p?.counts ?? status?.lastCycle?.counts;
  const held = p?.phase === 'awaiting-approval' && status?.currentCycle;
  return (
    <>
      <Section
        title={`Channel ${id}`}
        actions={
          <>
            <a href={`#/channel/${id}/users`}>Users</a>
            <a href={`#/channel/${id}/audit`}>Audit</a>
            {status?.links?.temporalUi ? (
              <a href={status.links.temporalUi} target="_blank" rel="noreferrer">
                Run in Temporal Web UI
              </a>
            ) : null}
          </>
        }
      >
        <Errors messages={message} />
        {statusError ? <div class="banner info">{statusError} (activate the channel to start it)</div> : null}
        {status ? (
          <>
            <dl class="kv">
              <dt>Phase</dt>
              <dd data-testid="phase">{status.paused ? 'paused' : (p?.phase ?? status.phase)}</dd>
              <dt>Current cycle</dt>
              <dd>{status.currentCycle ? `#${status.currentCycle.cycleNo} (${status.currentCycle.mode}${status.currentCycle.dryRun ? ', dry run' : ''})` : 'none'}</dd>
              <dt>Breaker</dt>
              <dd data-testid="breaker">{p?.phase === 'breaker-open' ? `open: ${str(p.breakerReason)}` : 'closed'}</dd>
              <dt>Last failure</dt>
              <dd>{str(status.lastFailure?.message) || 'none'}</dd>
            </dl>
            {p ? (
              <label>
                Progress of the current cycle ({p.batchesDone}/{p.batches} batches)
                <progress max={100} value={progressPercent(p)} />
              </label>
            ) : null}
            {held ? (
              <div class="banner error" role="alert">
                Cycle {status.currentCycle!.cycleNo} is held by the mass-change guard: {p?.guard ? `${p.guard.removals} removals of ${p.guard.managed} managed (limit ${p.guard.limit})` : ''}
                {canOperate ? (
                  <div class="actions">
                    <Button kind="primary" onClick={() => void decide(status.currentCycle!.cycleNo, 'approve')}>
                      Approve
                    </Button>
                    <Button kind="danger" onClick={() => void decide(status.currentCycle!.cycleNo, 'reject')}>
                      Reject
                    </Button>
                  </div>
                ) : null}
              </div>
            ) : null}
            {canOperate ? (
              <div class="actions">
                {status.paused ? <Button onClick={() => void op('resume')}>Resume</Button> : <Button onClick={() => void op('pause')}>Pause</Button>}
                <Button kind="primary" onClick={() => void sync(false)} disabled={busy || status.paused}>
                  Sync now
                </Button>
                <Button onClick={() => void sync(true)} disabled={busy || status.paused}>
                  Dry run
                </Button>
              </div>
            ) : null}
          </>
        ) : null}
        {counts ? (
          <>
            <h3>Counts</h3>
            <dl class="kv" aria-label="Counts">
              {Object.entries(counts).map(([k, v]) => (
                <>
                  <dt key={`k${k}`}>{k}</dt>
                  <dd key={`v${k}`} data-count={k}>
                    {v}
                  </dd>
                </>
              ))}
            </dl>
          </>
        ) : null}
      </Section>
      {diff ? (
        <Section title={`Dry run: cycle ${diff.cycleNo}`}>
          <div class="table-wrap">
            <table aria-label="Dry run diff">
              <thead>
                <tr>
                  <th>GUID</th>
                  <th>Action</th>
                  <th>Why</th>
                </tr>
              </thead>
              <tbody>
                {diff.plan.map((i) => (
                  <tr key={i.seq}>
                    <td>{i.guid}</td>
                    <td>{i.action}</td>
                    <td>{i.reason}</td>
                  </tr>
                ))}
                <EmptyRow when={diff.plan.length === 0} columns={3}>No change.</EmptyRow>
              </tbody>
            </table>
          </div>
        </Section>
      ) : null}
      <Section title="Recent cycles">
        <div class="table-wrap">
          <table aria-label="Recent cycles">
            <thead>
              <tr>
                <th>Cycle</th>
                <th>Mode</th>
                <th>Outcome</th>
                <th>Duration</th>
                <th>Counts</th>
                <th>Run</th>
              </tr>
            </thead>
            <tbody>
              {cycles.map((c) => (
                <tr key={c.cycleNo} data-cycle={c.cycleNo}>
                  <td>{c.cycleNo}</td>
                  <td>
                    {c.mode}
                    {c.dryRun ? ' (dry run)' : ''}
                  </td>
                  <td>{str(c.outcome) || 'running'}</td>
                  <td>{c.finishedAt && c.startedAt ? `${((Date.parse(c.finishedAt) - Date.parse(c.startedAt)) / 1000).toFixed(1)} s` : ''}</td>
                  <td>
                    {Object.entries(c.counts ?? {})
                      .filter(([, v]) => v)
                      .map(([k, v]) => `${k} ${v}`)
                      .join(', ')}
                  </td>
                  <td>{c.links?.temporalUi ? <a href={c.links.temporalUi} target="_blank" rel="noreferrer">Temporal</a> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
    </>
  );
}
