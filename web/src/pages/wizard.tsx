/**
 * The channel wizard, one page per PingFederate step: info, source, source settings, source
 * location, attribute mapping, target, review and activate. Each "Next" validates the step through
 * the API; "Save as draft" keeps incomplete work to return to later.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { call } from '../api/call';
import { fieldErrors, missingFields, type Issue } from '../logic/problem';
import { mappingFromRows, rowsFromMapping, unmappedRequired, type MappingRow } from '../logic/mapping';
import { STEPS, getPath, missingSummary, setPath, stepIndex, type StepId } from '../logic/wizard';
import { Button, Check, Checks, Errors, Field, Section, Select, str, useCan, type CheckResult } from '../ui';

type Draft = Record<string, unknown>;
type ConcurField = { name: string; type: string; required: boolean; requiredWithSpend: boolean };
type Option = { id: string; type?: string };

const NEW_DRAFT: Draft = { id: '', location: { filter: '(objectClass=inetOrgPerson)' }, mapping: {} };

export function WizardPage(props: { id?: string; step?: string }) {
  const canEdit = useCan('admin');
  const canActivate = useCan('operator');
  const [draft, setDraft] = useState<Draft>({ ...NEW_DRAFT });
  const [exists, setExists] = useState<'channel' | 'draft' | undefined>();
  const [step, setStep] = useState<StepId>(STEPS[stepIndex(props.step ?? 'info')].id);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [other, setOther] = useState<string[]>([]);
  const [notice, setNotice] = useState<string>();
  const [missing, setMissing] = useState<Record<string, Issue[]>>();
  const [datastores, setDatastores] = useState<Option[]>([]);
  const [connections, setConnections] = useState<Option[]>([]);
  const [fields, setFields] = useState<ConcurField[]>([]);
  const [showAll, setShowAll] = useState(false);
  const [checks, setChecks] = useState<CheckResult[]>();
  const [scopeChecks, setScopeChecks] = useState<CheckResult[]>();

  useEffect(() => {
    void call<Option[]>(api.GET('/api/v1/datastores')).then((r) => r.ok && setDatastores(r.data));
    void call<Option[]>(api.GET('/api/v1/connections')).then((r) => r.ok && setConnections(r.data));
    void call<ConcurField[]>(api.GET('/api/v1/concur/fields')).then((r) => r.ok && setFields(r.data));
    if (!props.id) {
      setDraft({ ...NEW_DRAFT });
      setExists(undefined);
      setMissing(undefined);
      return;
    }
    if (props.id === draft.id && exists) return; // just saved under this id: the page already holds it
    void (async () => {
      const channel = await call<Draft>(api.GET('/api/v1/channels/{id}', { params: { path: { id: props.id! } } }));
      if (channel.ok) {
        setDraft(channel.data);
        setExists('channel');
        return;
      }
      const saved = await call<{ draft: Draft; missing: Record<string, Issue[]> }>(api.GET('/api/v1/channels/{id}/draft', { params: { path: { id: props.id! } } }));
      if (saved.ok) {
        setDraft(saved.data.draft);
        setMissing(saved.data.missing);
        setExists('draft');
      } else setOther([`no channel or draft "${props.id}"`]);
    })();
  }, [props.id]);
  useEffect(() => {
    if (props.step) setStep(STEPS[stepIndex(props.step)].id);
  }, [props.step]);

  const go = (next: StepId) => {
    setErrors({});
    setOther([]);
    setNotice(undefined);
    if (draft.id && exists) location.hash = `#/wizard/${String(draft.id)}/${next}`;
    setStep(next);
  };
  const set = (path: string, value: unknown) => {
    setDraft(setPath(draft, path, value));
    // An edited field's error is stale until the step is validated again.
    if (errors[path]) setErrors(Object.fromEntries(Object.entries(errors).filter(([k]) => k !== path)));
  };
  const val = (path: string) => str(getPath(draft, path));
  const F = (label: string, path: string, extra: { required?: boolean; hint?: string; type?: string } = {}) => (
    <Field label={label} name={path} value={val(path)} onInput={(v) => set(path, extra.type === 'number' ? (v === '' ? undefined : Number(v)) : v)} error={errors[path]} required={extra.required} hint={extra.hint} disabled={!canEdit} />
  );
  const C = (label: string, path: string, fallback: boolean) => <Check label={label} name={path} checked={(getPath(draft, path) as boolean | undefined) ?? fallback} onChange={(v) => set(path, v)} disabled={!canEdit} />;

  const required = fields.filter((f) => f.required).map((f) => f.name);
  const rows = rowsFromMapping(
    fields.filter((f) => showAll || f.required || (draft.mapping as Record<string, unknown> | undefined)?.[f.name] !== undefined).map((f) => f.name),
    draft.mapping as never,
  );
  const setRow = (i: number, patch: Partial<MappingRow>) => {
    const next = rows.map((r, j) => (j === i ? { ...r, ...patch } : r));
    setDraft(setPath(draft, 'mapping', mappingFromRows(next)));
    const key = `mapping/${rows[i].field}`;
    setErrors(Object.fromEntries(Object.entries(errors).filter(([k]) => k !== key && !k.startsWith(`${key}/`))));
  };

  /** Validates the current step through the API; field errors land beside their fields. */
  const validate = async (which: StepId): Promise<boolean> => {
    const res = await call<{ ok: boolean; missing: Issue[] }>(api.POST('/api/v1/channels/validate', { params: { query: { step: which } }, body: draft }));
    if (!res.ok) {
      const f = fieldErrors(res.problem);
      setErrors(f.fields);
      setOther(f.other);
      return false;
    }
    const found = missingFields(res.data.missing);
    if (which === 'mapping') for (const name of unmappedRequired(rows, required)) found[`mapping/${name}`] = 'Concur requires this field: give a source attribute, literal, expression or default';
    setErrors(found);
    return Object.keys(found).length === 0;
  };
  const next = async () => {
    if (await validate(step)) go(STEPS[stepIndex(step) + 1].id);
  };
  const saveDraft = async () => {
    const id = String(draft.id ?? '');
    const res =
      exists === 'draft' || exists === 'channel'
        ? await call<{ missing: Record<string, Issue[]> }>(api.PUT('/api/v1/channels/{id}', { params: { path: { id }, query: { draft: 'true' } }, body: draft }))
        : await call<{ missing: Record<string, Issue[]> }>(api.POST('/api/v1/channels', { params: { query: { draft: 'true' } }, body: draft }));
    if (!res.ok) {
      const f = fieldErrors(res.problem);
      setErrors(f.fields);
      setOther(f.other);
      return;
    }
    setMissing(res.data.missing);
    setNotice(`Draft ${id} saved. Still missing: ${missingSummary(res.data.missing)}`);
    if (!exists) {
      setExists('draft');
      location.hash = `#/wizard/${id}/${step}`;
    }
  };
  const saveChannel = async (): Promise<boolean> => {
    const id = String(draft.id ?? '');
    const res = exists === 'channel' ? await call<Draft>(api.PUT('/api/v1/channels/{id}', { params: { path: { id } }, body: draft })) : await call<Draft>(api.POST('/api/v1/channels', { body: draft }));
    if (!res.ok) {
      const f = fieldErrors(res.problem);
      setErrors(f.fields);
      setOther(f.other.length ? f.other : Object.entries(f.fields).map(([k, m]) => `${k}: ${m}`));
      return false;
    }
    setExists('channel');
    setDraft(res.data);
    setNotice(`Channel ${id} saved.`);
    return true;
  };
  const activate = async () => {
    if (!(await saveChannel())) return;
    setChecks([{ name: 'config', ok: true, warning: true, message: 'running the activation checks…' }]);
    const res = await call<{ ok: boolean; checks: CheckResult[] }>(api.POST('/api/v1/channels/{id}/activate', { params: { path: { id: String(draft.id) } } }));
    if (res.ok) {
      setChecks(res.data.checks);
      setNotice(`Channel ${String(draft.id)} is active.`);
    } else setChecks((res.problem as { checks?: CheckResult[] }).checks ?? [{ name: 'config', ok: false, message: res.problem.detail ?? 'activation failed' }]);
  };
  const testScope = async () => {
    const id = String(draft.datastoreId ?? '');
    if (!id) return setErrors({ datastoreId: 'choose a datastore first (Source step)' });
    const res = await call<{ checks: CheckResult[] }>(api.POST('/api/v1/datastores/{id}/test', { params: { path: { id } }, body: { source: draft.source as never, location: draft.location as never } }));
    setScopeChecks(res.ok ? res.data.checks : [{ name: 'datastore', ok: false, message: res.problem.detail ?? 'test failed' }]);
  };
  const ds = datastores.find((d) => d.id === draft.datastoreId);
  const kind = (getPath(draft, 'source/kind') as string | undefined) ?? ds?.type ?? 'ldap';

  const page = () => {
    switch (step) {
      case 'info':
        return (
          <div class="grid">
            {exists ? <Field label="Channel id" name="id" value={val('id')} onInput={() => undefined} disabled /> : F('Channel id', 'id', { required: true, hint: 'lower-case letters, digits and dashes' })}
            {F('Name', 'name')}
            {F('Cycle interval (seconds)', 'intervalSeconds', { type: 'number' })}
            {F('Max threads', 'maxThreads', { type: 'number' })}
            {C('Create users', 'userCreate', true)}
            {C('Update users', 'userUpdate', true)}
            {C('Disable / delete users', 'userDisableDelete', true)}
            {C('Provision disabled users', 'provisionDisabledUsers', false)}
            <Select label="Remove user action" name="removeAction" value={val('removeAction') || 'disable'} onChange={(v) => set('removeAction', v)} options={[['disable', 'Disable'], ['delete', 'Delete']]} error={errors.removeAction} disabled={!canEdit} />
          </div>
        );
      case 'source':
        return (
          <div class="grid">
            <Select
              label="Datastore"
              name="datastoreId"
              value={val('datastoreId')}
              error={errors.datastoreId}
              disabled={!canEdit}
              options={[['', '— choose —'], ...datastores.map((d): [string, string] => [d.id, `${d.id} (${str(d.type).toUpperCase()})`])]}
              onChange={(v) => {
                const chosen = datastores.find((d) => d.id === v);
                const withDs = setPath(draft, 'datastoreId', v || undefined);
                setDraft(chosen ? setPath(withDs, 'source/kind', chosen.type) : withDs);
              }}
            />
            <p class="hint">
              No datastore yet? <a href="#/datastores">Create one</a>.
            </p>
          </div>
        );
      case 'source-settings':
        return kind === 'sql' ? (
          <div class="grid">
            {F('Table or view', 'source/table', { hint: 'or a SELECT in Query' })}
            {F('Query', 'source/query')}
            {F('GUID column', 'source/guidColumn', { required: true })}
            {F('Status column', 'source/statusColumn')}
            {F('Updated-at column', 'source/updatedAtColumn')}
          </div>
        ) : (
          <div class="grid">
            {F('GUID attribute', 'source/guidAttribute', { hint: 'default entryUUID' })}
            <Select label="GUID type" name="source/guidType" value={val('source/guidType') || 'text'} onChange={(v) => set('source/guidType', v)} options={[['text', 'Text'], ['binary', 'Binary (AD objectGUID)']]} disabled={!canEdit} />
            {F('User object class', 'source/userObjectClass', { hint: 'default inetOrgPerson' })}
            <Select
              label="Account status"
              name="source/accountStatus/algorithm"
              value={val('source/accountStatus/algorithm') || 'none'}
              onChange={(v) => set('source/accountStatus', { algorithm: v })}
              options={[['none', 'None (every entry enabled)'], ['active-directory', 'Active Directory userAccountControl'], ['flag', 'Flag attribute']]}
              error={errors['source/accountStatus'] ?? errors['source/accountStatus/algorithm']}
              disabled={!canEdit}
            />
            {val('source/accountStatus/algorithm') === 'flag' ? F('Flag attribute', 'source/accountStatus/attribute', { required: true }) : null}
            {val('source/accountStatus/algorithm') === 'flag' ? F('Flag comparison value', 'source/accountStatus/comparisonValue') : null}
          </div>
        );
      case 'source-location':
        return (
          <>
            <div class="grid">
              {kind === 'ldap' ? F('Base DN', 'location/baseDn', { hint: 'empty: the server’s naming context' }) : null}
              {F(kind === 'ldap' ? 'Filter' : 'WHERE condition', 'location/filter')}
              {kind === 'ldap' ? F('Group DN', 'location/groupDn') : null}
              {kind === 'ldap' ? C('Nested groups', 'location/nestedSearch', false) : null}
              <Field
                label="Exclude these DNs / GUIDs"
                name="exclusion/dns"
                value={((getPath(draft, 'exclusion/dns') as string[] | undefined) ?? []).join('; ')}
                onInput={(v) => set('exclusion/dns', v.split(';').map((x) => x.trim()).filter(Boolean))}
                error={errors['exclusion/dns']}
                hint="separate with ;  (exclude the account that administers Concur)"
                disabled={!canEdit}
              />
            </div>
            <Button onClick={() => void testScope()}>Count entries in scope</Button>
            <Checks checks={scopeChecks} label="Scope checks" />
          </>
        );
      case 'mapping':
        return (
          <>
            <p class="hint">
              Required fields are marked *. The values themselves are never shown here: a live preview of one entry is available with <code>outbound preview {str(draft.id) || 'CHANNEL'} GUID</code> on the server (the API keeps personal data out of its answers).
            </p>
            <Check label="Show every Concur field" name="showAll" checked={showAll} onChange={setShowAll} />
            <div class="table-wrap">
              <table aria-label="Attribute mapping">
                <thead>
                  <tr>
                    <th>Concur field</th>
                    <th>Value from</th>
                    <th>Attribute / literal / expression</th>
                    <th>Default</th>
                    <th>Options</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r, i) => {
                    const req = required.includes(r.field);
                    const err = errors[`mapping/${r.field}`] ?? Object.entries(errors).find(([k]) => k.startsWith(`mapping/${r.field}/`))?.[1];
                    const id = `map-${r.field.replace(/\W/g, '-')}`;
                    return (
                      <tr class="mapping-row" key={r.field} data-field={r.field}>
                        <td>
                          {r.field}
                          {req ? <span class="req" aria-label="required"> *</span> : null}
                          {err ? (
                            <div class="error" role="alert" data-field={`mapping/${r.field}`}>
                              {err}
                            </div>
                          ) : null}
                        </td>
                        <td>
                          <label class="sr" for={`${id}-kind`}>{`${r.field}: value from`}</label>
                          <select id={`${id}-kind`} value={r.kind} disabled={!canEdit} onChange={(e) => setRow(i, { kind: (e.target as HTMLSelectElement).value as MappingRow['kind'] })}>
                            <option value="none">—</option>
                            <option value="source">Source attribute</option>
                            <option value="literal">Literal</option>
                            <option value="expression">Expression</option>
                          </select>
                        </td>
                        <td>
                          <label class="sr" for={`${id}-value`}>{`${r.field}: value`}</label>
                          <input id={`${id}-value`} value={r.value} disabled={!canEdit || r.kind === 'none'} onInput={(e) => setRow(i, { value: (e.target as HTMLInputElement).value })} />
                        </td>
                        <td>
                          <label class="sr" for={`${id}-default`}>{`${r.field}: default`}</label>
                          <input id={`${id}-default`} value={r.default ?? ''} disabled={!canEdit} onInput={(e) => setRow(i, { default: (e.target as HTMLInputElement).value || undefined })} />
                        </td>
                        <td>
                          <Check label="create only" name={`${id}-createOnly`} checked={Boolean(r.createOnly)} onChange={(v) => setRow(i, { createOnly: v })} disabled={!canEdit} />
                          <Check label="trim" name={`${id}-trim`} checked={r.trim !== false} onChange={(v) => setRow(i, { trim: v })} disabled={!canEdit} />
                          <Check label="masked" name={`${id}-masked`} checked={Boolean(r.masked)} onChange={(v) => setRow(i, { masked: v })} disabled={!canEdit} />
                          <Check label="clear when empty" name={`${id}-clear`} checked={Boolean(r.clearWhenEmpty)} onChange={(v) => setRow(i, { clearWhenEmpty: v })} disabled={!canEdit} />
                          <label class="sr" for={`${id}-case`}>{`${r.field}: case`}</label>
                          <select id={`${id}-case`} value={r.case ?? 'none'} disabled={!canEdit} onChange={(e) => setRow(i, { case: (e.target as HTMLSelectElement).value as MappingRow['case'] })}>
                            <option value="none">case as is</option>
                            <option value="lower">lower case</option>
                            <option value="upper">upper case</option>
                          </select>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        );
      case 'target':
        return (
          <div class="grid">
            <Select
              label="Connection"
              name="connectionId"
              value={val('connectionId')}
              error={errors.connectionId}
              disabled={!canEdit}
              options={[['', '— choose —'], ...connections.map((c): [string, string] => [c.id, c.id])]}
              onChange={(v) => set('connectionId', v || undefined)}
            />
          </div>
        );
      case 'review':
        return (
          <>
            {missing && missing.review?.length ? <div class="banner error">Still missing: {missingSummary(missing)}</div> : null}
            <dl class="kv" aria-label="Every setting">
              {flatten(draft).map(([k, v]) => (
                <>
                  <dt key={`k-${k}`}>{k}</dt>
                  <dd key={`v-${k}`}>{v}</dd>
                </>
              ))}
            </dl>
            <div class="actions">
              {canEdit ? (
                <Button kind="secondary" onClick={() => void saveChannel()}>
                  Save channel
                </Button>
              ) : null}
              {canEdit && canActivate ? (
                <Button kind="primary" onClick={() => void activate()}>
                  Activate
                </Button>
              ) : null}
              {exists === 'channel' ? <a href={`#/channel/${String(draft.id)}`}>Open dashboard</a> : null}
            </div>
            <Checks checks={checks} label="Activation checks" />
          </>
        );
    }
  };

  const i = stepIndex(step);
  return (
    <Section title={`Channel wizard${draft.id ? `: ${String(draft.id)}` : ''}`}>
      <ol class="steps" aria-label="Wizard steps">
        {STEPS.map((s) => (
          <li key={s.id}>
            <a
              href={draft.id && exists ? `#/wizard/${String(draft.id)}/${s.id}` : '#'}
              aria-current={s.id === step ? 'step' : undefined}
              onClick={(e) => {
                e.preventDefault();
                go(s.id);
              }}
            >
              {s.title}
              {missing && s.id !== 'review' && (missing[s.id]?.length ?? 0) > 0 ? <span class="missing"> ({missing[s.id].length})</span> : null}
            </a>
          </li>
        ))}
      </ol>
      <h3>{STEPS[i].title}</h3>
      <Errors messages={other} />
      {notice ? (
        <div class="banner info" role="status">
          {notice}
        </div>
      ) : null}
      {page()}
      <div class="actions wizard-nav">
        {i > 0 ? <Button onClick={() => go(STEPS[i - 1].id)}>Back</Button> : null}
        {i < STEPS.length - 1 ? (
          <Button kind="primary" onClick={() => void next()}>
            Next
          </Button>
        ) : null}
        {canEdit && exists !== 'channel' ? <Button onClick={() => void saveDraft()}>Save as draft</Button> : null}
      </div>
    </Section>
  );
}

/** Every setting as `path: value` lines, secrets never among them (a channel has none). */
function flatten(obj: unknown, prefix = ''): Array<[string, string]> {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return [[prefix || '/', Array.isArray(obj) ? obj.join(', ') : str(obj)]];
  const entries = Object.entries(obj as Record<string, unknown>);
  if (!entries.length) return [[prefix || '/', '(empty)']];
  return entries.flatMap(([k, v]) => flatten(v, prefix ? `${prefix}/${k}` : k));
}
