/**
 * Connections from the Concur template: SAML metadata upload (fills General Info), the connection
 * type, the target (static OAUTH_ACCESS_TOKEN or OAuth2 app credentials; secrets write-only),
 * "Test credentials" with the named check, and the Active toggle.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { call } from '../api/call';
import { fieldErrors } from '../logic/problem';
import { Button, Check, Checks, Errors, Field, Section, Select, str, useCan, type CheckResult, EmptyRow } from '../ui';

type Connection = Record<string, unknown> & { id: string; active?: boolean; connectionType?: { outboundProvisioning: boolean; browserSso: boolean } };

const EMPTY = { id: '', baseUrl: '', authType: 'OAUTH_ACCESS_TOKEN', accessToken: '', clientId: '', clientSecret: '', refreshToken: '', companyRequestToken: '' };

export function connectionBody(f: typeof EMPTY, insecure: boolean): Record<string, unknown> {
  const auth =
    f.authType === 'OAUTH_ACCESS_TOKEN'
      ? { type: 'OAUTH_ACCESS_TOKEN', accessToken: f.accessToken }
      : { type: 'oauth2', clientId: f.clientId, clientSecret: f.clientSecret, ...(f.refreshToken ? { refreshToken: f.refreshToken } : {}), ...(f.companyRequestToken ? { companyRequestToken: f.companyRequestToken } : {}) };
  return { id: f.id, template: 'concur', ...(f.baseUrl ? { baseUrl: f.baseUrl } : {}), ...(insecure ? { allowInsecureHttp: true } : {}), auth };
}

export function ConnectionsPage() {
  const canEdit = useCan('admin');
  const canTest = useCan('operator');
  const [list, setList] = useState<Connection[]>([]);
  const [form, setForm] = useState({ ...EMPTY });
  const [insecure, setInsecure] = useState(false);
  const [metadata, setMetadata] = useState<string>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [other, setOther] = useState<string[]>([]);
  const [checks, setChecks] = useState<Record<string, CheckResult[]>>({});
  const [saved, setSaved] = useState<Connection>();
  const load = async () => {
    const res = await call<Connection[]>(api.GET('/api/v1/connections'));
    if (res.ok) setList(res.data);
  };
  useEffect(() => void load(), []);
  const set = (k: keyof typeof EMPTY) => (v: string) => setForm({ ...form, [k]: v });

  const importMetadata = async (id: string, xml: string) =>
    call<Connection>(
      api.POST('/api/v1/connections/{id}/metadata', {
        params: { path: { id } },
        body: xml,
        bodySerializer: (b: unknown) => b as string,
        headers: { 'content-type': 'application/xml' },
      }),
    );

  const save = async (e: Event) => {
    e.preventDefault();
    const res = await call<Connection>(api.POST('/api/v1/connections', { body: connectionBody(form, insecure) }));
    if (!res.ok) {
      const f = fieldErrors(res.problem);
      setErrors(f.fields);
      setOther(f.other);
      return;
    }
    let created = res.data;
    if (metadata) {
      const imported = await importMetadata(created.id, metadata);
      if (!imported.ok) {
        setOther([`metadata: ${imported.problem.detail ?? 'refused'}`]);
      } else created = imported.data;
    }
    setErrors({});
    setForm({ ...EMPTY }); // secrets leave the page with the submit
    setSaved(created);
    await load();
  };
  const test = async (id: string) => {
    const res = await call<{ checks: CheckResult[] }>(api.POST('/api/v1/connections/{id}/test', { params: { path: { id } } }));
    setChecks({ ...checks, [id]: res.ok ? res.data.checks : [{ name: 'target-credentials', ok: false, message: res.problem.detail ?? 'test failed' }] });
  };
  const toggle = async (c: Connection) => {
    const current = await call<Connection>(api.GET('/api/v1/connections/{id}', { params: { path: { id: c.id } } }));
    if (!current.ok) return;
    const etag = current.response.headers.get('etag') ?? '*';
    const res = await call<Connection>(api.PUT('/api/v1/connections/{id}', { params: { path: { id: c.id } }, body: { ...current.data, active: c.active === false }, headers: { 'if-match': etag } }));
    if (!res.ok) setOther([res.problem.detail ?? 'could not change the Active flag']);
    await load();
  };

  return (
    <>
      <Section title="Connections">
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Id</th>
                <th>General Info</th>
                <th>Connection type</th>
                <th>Target</th>
                <th>Active</th>
                <th>Test</th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <tr key={c.id} data-row={c.id}>
                  <td>{c.id}</td>
                  <td>
                    {str(c.name)}
                    <br />
                    <small>{str(c.entityId)}</small>
                    <br />
                    <small>{str(c.partnerBaseUrl)}</small>
                  </td>
                  <td>{c.connectionType ? `outbound provisioning ${c.connectionType.outboundProvisioning ? 'on' : 'off'}, browser SSO ${c.connectionType.browserSso ? 'on' : 'off'}` : ''}</td>
                  <td>
                    {str(c.baseUrl)}
                    <br />
                    <small>{str((c.auth as { type?: string } | undefined)?.type)}</small>
                  </td>
                  <td>{canEdit ? <Check label="Active" name={`active-${c.id}`} checked={c.active !== false} onChange={() => void toggle(c)} /> : c.active === false ? 'inactive' : 'active'}</td>
                  <td>
                    {canTest ? (
                      <Button onClick={() => void test(c.id)} aria-label={`Test credentials ${c.id}`}>
                        Test credentials
                      </Button>
                    ) : null}
                    <Checks checks={checks[c.id]} label={`Checks of ${c.id}`} />
                  </td>
                </tr>
              ))}
              <EmptyRow when={list.length === 0} columns={6}>No connection yet.</EmptyRow>
            </tbody>
          </table>
        </div>
      </Section>
      {canEdit ? (
        <Section title="New connection from the Concur template">
          <form onSubmit={save} aria-label="New connection">
            <Errors messages={other} />
            {saved ? (
              <div class="banner info" data-saved={saved.id}>
                Saved connection {saved.id}: {str(saved.name)} {saved.entityId ? `(${str(saved.entityId)})` : ''}
              </div>
            ) : null}
            <h3>General Info</h3>
            <div class="grid">
              <Field label="Id" name="id" value={form.id} onInput={set('id')} error={errors.id} required />
              <div class="field">
                <label for="metadata-file">SAML metadata (saml-metadata.xml)</label>
                <input
                  id="metadata-file"
                  name="metadata"
                  type="file"
                  accept=".xml,application/xml,text/xml"
                  onChange={async (e) => {
                    const file = (e.target as HTMLInputElement).files?.[0];
                    setMetadata(file ? await file.text() : undefined);
                  }}
                />
                <small class="hint">Fills the name, entity id and base URL of General Info</small>
              </div>
            </div>
            <h3>Connection type</h3>
            <p>Outbound provisioning: on. Browser SSO: off.</p>
            <h3>Target</h3>
            <div class="grid">
              <Field label="Concur API base URL" name="baseUrl" value={form.baseUrl} onInput={set('baseUrl')} error={errors.baseUrl} placeholder="https://us2.api.concursolutions.com" />
              <Check label="Allow http (simulator on this machine only)" name="allowInsecureHttp" checked={insecure} onChange={setInsecure} />
              <Select label="Credentials" name="authType" value={form.authType} onChange={set('authType')} options={[['OAUTH_ACCESS_TOKEN', 'Static OAUTH_ACCESS_TOKEN'], ['oauth2', 'OAuth2 app credentials']]} />
              {form.authType === 'OAUTH_ACCESS_TOKEN' ? (
                <Field label="OAUTH_ACCESS_TOKEN" name="accessToken" type="password" value={form.accessToken} onInput={set('accessToken')} error={errors['auth/accessToken'] ?? errors.auth} required hint="write-only" />
              ) : (
                <>
                  <Field label="Client id" name="clientId" value={form.clientId} onInput={set('clientId')} error={errors['auth/clientId'] ?? errors.auth} required />
                  <Field label="Client secret" name="clientSecret" type="password" value={form.clientSecret} onInput={set('clientSecret')} error={errors['auth/clientSecret']} required hint="write-only" />
                  <Field label="Refresh token" name="refreshToken" type="password" value={form.refreshToken} onInput={set('refreshToken')} error={errors['auth/refreshToken']} hint="write-only" />
                  <Field label="Company request token" name="companyRequestToken" type="password" value={form.companyRequestToken} onInput={set('companyRequestToken')} error={errors['auth/companyRequestToken']} hint="write-only" />
                </>
              )}
            </div>
            <button type="submit" class="btn primary">
              Save connection
            </button>
          </form>
        </Section>
      ) : null}
    </>
  );
}
