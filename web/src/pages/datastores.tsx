/** Datastores: the list, LDAP and SQL forms, and "Test connection" with the named checks. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { call } from '../api/call';
import { fieldErrors, settingField } from '../logic/problem';
import { Button, Check, Checks, Errors, Field, Section, Select, str, useCan, type CheckResult, EmptyRow } from '../ui';

type Datastore = Record<string, unknown> & { id: string; type: 'ldap' | 'sql' };

const EMPTY: Record<string, string> = { id: '', name: '', type: 'ldap', urls: '', bindDn: '', bindPassword: '', client: 'pg', host: '', port: '', user: '', password: '', database: '', filename: '' };

/** The form's strings as a datastore body (urls split on commas and spaces). */
export function datastoreBody(f: Record<string, string>, startTls: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = { id: f.id, type: f.type, ...(f.name ? { name: f.name } : {}) };
  if (f.type === 'ldap') return { ...base, urls: f.urls.split(/[\s,]+/).filter(Boolean), bindDn: f.bindDn, bindPassword: f.bindPassword, startTls };
  const sql: Record<string, unknown> = { ...base, client: f.client };
  for (const k of ['host', 'user', 'password', 'database', 'filename']) if (f[k]) sql[k] = f[k];
  if (f.port) sql.port = Number(f.port);
  return sql;
}

export function DatastoresPage() {
  const canEdit = useCan('admin');
  const canTest = useCan('operator');
  const [list, setList] = useState<Datastore[]>([]);
  const [form, setForm] = useState({ ...EMPTY });
  const [startTls, setStartTls] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [other, setOther] = useState<string[]>([]);
  const [checks, setChecks] = useState<Record<string, CheckResult[]>>({});
  const [saved, setSaved] = useState<string>();
  const load = async () => {
    const res = await call<Datastore[]>(api.GET('/api/v1/datastores'));
    if (res.ok) setList(res.data);
  };
  useEffect(() => void load(), []);
  const set = (k: string) => (v: string) => setForm({ ...form, [k]: v });

  const save = async (e: Event) => {
    e.preventDefault();
    setSaved(undefined);
    const res = await call<Datastore>(api.POST('/api/v1/datastores', { body: datastoreBody(form, startTls) }));
    if (!res.ok) {
      const { fields, other } = fieldErrors(res.problem);
      setErrors(fields);
      setOther(other);
      return;
    }
    setErrors({});
    setOther([]);
    setSaved(res.data.id);
    setForm({ ...EMPTY, type: form.type }); // the secret is gone from the page once saved
    await load();
  };
  const test = async (id: string) => {
    setChecks({ ...checks, [id]: [{ name: 'datastore', ok: true, warning: true, message: 'testing…' }] });
    const res = await call<{ checks: CheckResult[] }>(api.POST('/api/v1/datastores/{id}/test', { params: { path: { id } }, body: null }));
    setChecks({ ...checks, [id]: res.ok ? res.data.checks : [{ name: 'datastore', ok: false, message: res.problem.detail ?? 'test failed' }] });
  };
  const failed = saved ? (checks[saved] ?? []).filter((c) => !c.ok) : [];
  const testErrors = Object.fromEntries(failed.map((c) => [settingField(c.setting) ?? '', c.message]));
  const err = (k: string) => errors[k] ?? testErrors[k];

  return (
    <>
      <Section title="Datastores">
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Id</th>
                <th>Type</th>
                <th>Where</th>
                <th>Test</th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr key={d.id} data-row={d.id}>
                  <td>{d.id}</td>
                  <td>{d.type.toUpperCase()}</td>
                  <td>{d.type === 'ldap' ? (d.urls as string[]).join(', ') : str(d.host ?? d.filename)}</td>
                  <td>
                    {canTest ? (
                      <Button onClick={() => void test(d.id)} aria-label={`Test connection ${d.id}`}>
                        Test connection
                      </Button>
                    ) : null}
                    <Checks checks={checks[d.id]} label={`Checks of ${d.id}`} />
                  </td>
                </tr>
              ))}
              <EmptyRow when={list.length === 0} columns={4}>No datastore yet.</EmptyRow>
            </tbody>
          </table>
        </div>
      </Section>
      {canEdit ? (
        <Section title="New datastore">
          <form onSubmit={save} aria-label="New datastore">
            <Errors messages={other} />
            {saved ? <div class="banner info">Saved datastore {saved}. Use “Test connection” above.</div> : null}
            <div class="grid">
              <Select label="Type" name="type" value={form.type} onChange={set('type')} options={[['ldap', 'LDAP'], ['sql', 'SQL']]} />
              <Field label="Id" name="id" value={form.id} onInput={set('id')} error={err('id')} required />
              <Field label="Name" name="name" value={form.name} onInput={set('name')} error={err('name')} />
              {form.type === 'ldap' ? (
                <>
                  <Field label="LDAP URLs" name="urls" value={form.urls} onInput={set('urls')} error={err('urls') ?? err('urls/0')} required hint="ldap:// or ldaps://, several for failover" />
                  <Field label="Bind DN" name="bindDn" value={form.bindDn} onInput={set('bindDn')} error={err('bindDn')} required />
                  <Field label="Bind password" name="bindPassword" type="password" value={form.bindPassword} onInput={set('bindPassword')} error={err('bindPassword')} required hint="write-only; or env:NAME / file:PATH" />
                  <Check label="StartTLS" name="startTls" checked={startTls} onChange={setStartTls} />
                </>
              ) : (
                <>
                  <Select label="Database" name="client" value={form.client} onChange={set('client')} options={[['pg', 'PostgreSQL'], ['mysql2', 'MySQL / MariaDB'], ['mssql', 'SQL Server'], ['better-sqlite3', 'SQLite']]} />
                  <Field label="Host" name="host" value={form.host} onInput={set('host')} error={err('host')} />
                  <Field label="Port" name="port" value={form.port} onInput={set('port')} error={err('port')} />
                  <Field label="User" name="user" value={form.user} onInput={set('user')} error={err('user')} />
                  <Field label="Password" name="password" type="password" value={form.password} onInput={set('password')} error={err('password')} hint="write-only" />
                  <Field label="Database name" name="database" value={form.database} onInput={set('database')} error={err('database')} />
                  <Field label="SQLite file" name="filename" value={form.filename} onInput={set('filename')} error={err('filename')} />
                </>
              )}
            </div>
            <button type="submit" class="btn primary">
              Save datastore
            </button>
          </form>
        </Section>
      ) : null}
    </>
  );
}
