/** Small building blocks: labelled fields with their error beside them, check lists, tables. */
import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export type Role = 'read' | 'operator' | 'admin';
export const RoleContext = createContext<Role>('read');
const RANK: Record<Role, number> = { read: 0, operator: 1, admin: 2 };
/** True when the signed-in key may do what needs `role` (edit controls are shown only then). */
export function useCan(role: Role): boolean {
  return RANK[useContext(RoleContext)] >= RANK[role];
}

let ids = 0;
const nextId = (name: string) => `f-${name.replace(/[^a-z0-9]/gi, '-')}-${++ids}`;

interface FieldProps {
  label: string;
  name: string;
  error?: string;
  hint?: string;
  children?: ComponentChildren;
}

export function Field(props: FieldProps & { value: string; onInput: (v: string) => void; type?: string; required?: boolean; placeholder?: string; autoComplete?: string; disabled?: boolean }) {
  const id = nextId(props.name);
  return (
    <div class={`field${props.error ? ' invalid' : ''}`}>
      <label for={id}>
        {props.label}
        {props.required ? <span class="req" aria-label="required"> *</span> : null}
      </label>
      <input
        id={id}
        name={props.name}
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete ?? 'off'}
        disabled={props.disabled}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `${id}-err` : undefined}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
      {props.hint ? <small class="hint">{props.hint}</small> : null}
      {props.error ? (
        <span class="error" id={`${id}-err`} role="alert" data-field={props.name}>
          {props.error}
        </span>
      ) : null}
    </div>
  );
}

export function Select(props: FieldProps & { value: string; onChange: (v: string) => void; options: Array<[string, string]>; disabled?: boolean }) {
  const id = nextId(props.name);
  return (
    <div class={`field${props.error ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} value={props.value} disabled={props.disabled} aria-invalid={props.error ? 'true' : undefined} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        {props.options.map(([v, l]) => (
          <option value={v} key={v}>
            {l}
          </option>
        ))}
      </select>
      {props.error ? (
        <span class="error" role="alert" data-field={props.name}>
          {props.error}
        </span>
      ) : null}
    </div>
  );
}

export function Check(props: { label: string; name: string; checked: boolean; onChange: (v: boolean) => void; disabled?: boolean }) {
  const id = nextId(props.name);
  return (
    <div class="check">
      <input id={id} name={props.name} type="checkbox" checked={props.checked} disabled={props.disabled} onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)} />
      <label for={id}>{props.label}</label>
    </div>
  );
}

export interface CheckResult {
  name: string;
  ok: boolean;
  warning?: boolean;
  setting?: string;
  message: string;
}

export function Checks({ checks, label }: { checks: CheckResult[] | undefined; label: string }) {
  if (!checks) return null;
  return (
    <ul class="checks" aria-label={label}>
      {checks.map((c, i) => (
        <li key={i} class={c.ok ? (c.warning ? 'warn' : 'ok') : 'fail'} data-check={c.name}>
          <strong>{c.ok ? (c.warning ? 'warning' : 'ok') : 'failed'}</strong> {c.name}: {c.message}
          {c.setting ? <em> ({c.setting})</em> : null}
        </li>
      ))}
    </ul>
  );
}

export function Errors({ messages }: { messages: string[] }) {
  if (!messages.length) return null;
  return (
    <div class="banner error" role="alert">
      {messages.map((m, i) => (
        <div key={i}>{m}</div>
      ))}
    </div>
  );
}

export function Button(props: { kind?: 'primary' | 'secondary' | 'danger'; onClick?: () => void; disabled?: boolean; 'aria-label'?: string; children: ComponentChildren }) {
  return (
    <button type="button" class={`btn ${props.kind ?? 'secondary'}`} onClick={props.onClick} disabled={props.disabled} aria-label={props['aria-label']}>
      {props.children}
    </button>
  );
}

export function Section({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="card" aria-label={title}>
      <header class="card-head">
        <h2>{title}</h2>
        <div class="actions">{actions}</div>
      </header>
      {children}
    </section>
  );
}

export function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

/** The one row a table shows while it has nothing else to show. */
export function EmptyRow({ when, columns, children }: { when: boolean; columns: number; children: ComponentChildren }) {
  return when ? (
    <tr>
      <td colSpan={columns}>{children}</td>
    </tr>
  ) : null;
}
