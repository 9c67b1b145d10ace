/** The channel-wide audit query: filters, cursor paging, CSV export. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { call } from '../api/call';
import { auditQuery } from '../logic/audit-query';
import { explain } from '../logic/explain';
import { Button, Errors, Field, Section, Select, EmptyRow } from '../ui';
import type { AuditRow } from './users';

const EMPTY = { action: '', outcome: '', guid: '', from: '', to: '' };

export function AuditPage({ id }: { id: string }) {
  const [filters, setFilters] = useState({ ...EMPTY });
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [other, setOther] = useState<string[]>([]);
  const set = (k: keyof typeof EMPTY) => (v: string) => setFilters({ ...filters, [k]: v });

  const load = async (more = false) => {
    const query = auditQuery(filters, more ? (cursor ?? undefined) : undefined);
    const r = await call<{ entries: AuditRow[]; nextCursor: string | null }>(api.GET('/api/v1/channels/{id}/audit', { params: { path: { id }, query: query as never } }));
    if (!r.ok) {
      const issues = r.problem.issues ?? [];
      setErrors(Object.fromEntries(issues.filter((i) => i.pointer.startsWith('/query/')).map((i) => [i.pointer.slice(7), i.message])));
      setOther(issues.length ? [] : [r.problem.detail ?? 'query failed']);
      return;
    }
    setErrors({});
    setOther([]);
    setRows(more ? [...rows, ...r.data.entries] : r.data.entries);
    setCursor(r.data.nextCursor);
  };
  useEffect(() => void load(), [id]);
  const exportCsv = async () => {
    const r = await api.GET('/api/v1/channels/{id}/audit', { params: { path: { id }, query: { ...auditQuery(filters), format: 'csv', limit: '1000' } as never }, parseAs: 'text' });
    if (!r.response.ok) return setOther(['export failed']);
    const url = URL.createObjectURL(new Blob([r.data as unknown as string], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `audit-${id}.csv`;
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <Section title={`Audit of ${id}`} actions={<Button onClick={() => void exportCsv()}>Export CSV</Button>}>
      <form
        class="grid"
        aria-label="Audit filters"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <Select label="Action" name="action" value={filters.action} onChange={set('action')} error={errors.action} options={[['', 'any'], ...['create', 'update', 'disable', 'enable', 'delete', 'link', 'retry', 'skip', 'invalid'].map((a): [string, string] => [a, a])]} />
        <Select label="Outcome" name="outcome" value={filters.outcome} onChange={set('outcome')} error={errors.outcome} options={[['', 'any'], ...['succeeded', 'failed', 'retrying', 'planned', 'skipped', 'warning'].map((a): [string, string] => [a, a])]} />
        <Field label="GUID" name="guid" value={filters.guid} onInput={set('guid')} error={errors.guid} />
        <Field label="From" name="from" type="datetime-local" value={filters.from} onInput={set('from')} error={errors.from} />
        <Field label="To" name="to" type="datetime-local" value={filters.to} onInput={set('to')} error={errors.to} />
        <div class="field">
          <span>&nbsp;</span>
          <button class="btn primary" type="submit">
            Apply filters
          </button>
        </div>
      </form>
      <Errors messages={other} />
      <div class="table-wrap">
        <table aria-label="Audit entries">
          <thead>
            <tr>
              <th>When</th>
              <th>GUID</th>
              <th>Action</th>
              <th>Outcome</th>
              <th>Explanation</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a, i) => (
              <tr key={i}>
                <td>{new Date(a.at).toLocaleString()}</td>
                <td>
                  <a href={`#/channel/${id}/users/${encodeURIComponent(a.guid)}`}>{a.guid}</a>
                </td>
                <td>{a.action}</td>
                <td>{a.outcome}</td>
                <td>{explain(a)}</td>
              </tr>
            ))}
            <EmptyRow when={rows.length === 0} columns={5}>No entry.</EmptyRow>
          </tbody>
        </table>
      </div>
      {cursor ? <Button onClick={() => void load(true)}>More</Button> : null}
    </Section>
  );
}
