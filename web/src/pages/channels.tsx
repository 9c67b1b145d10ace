/** Channels and their drafts (with what each still lacks). */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { call } from '../api/call';
import { missingSummary } from '../logic/wizard';
import { Section, str, useCan, EmptyRow } from '../ui';

type Channel = { id: string; name?: string; active: boolean; datastoreId: string; connectionId: string };
type Draft = { kind: string; id: string; updatedAt: string; missing: Record<string, unknown[]> };

export function ChannelsPage() {
  const canEdit = useCan('admin');
  const [channels, setChannels] = useState<Channel[]>([]);
  const [drafts, setDrafts] = useState<Draft[]>([]);
  useEffect(() => {
    void call<Channel[]>(api.GET('/api/v1/channels')).then((r) => r.ok && setChannels(r.data));
    void call<Draft[]>(api.GET('/api/v1/drafts', { params: { query: { kind: 'channels' } } })).then((r) => r.ok && setDrafts(r.data));
  }, []);
  return (
    <Section title="Channels" actions={canEdit ? <a class="btn primary" href="#/wizard">New channel</a> : null}>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Channel</th>
              <th>State</th>
              <th>Source → target</th>
              <th>Open</th>
            </tr>
          </thead>
          <tbody>
            {channels.map((c) => (
              <tr key={c.id} data-row={c.id}>
                <td>
                  {c.id}
                  {c.name ? ` (${c.name})` : ''}
                </td>
                <td>{c.active ? 'active' : 'inactive'}</td>
                <td>
                  {c.datastoreId} → {c.connectionId}
                </td>
                <td class="actions">
                  <a href={`#/channel/${c.id}`}>Dashboard</a>
                  <a href={`#/channel/${c.id}/users`}>Users</a>
                  <a href={`#/channel/${c.id}/audit`}>Audit</a>
                  {canEdit ? <a href={`#/wizard/${c.id}`}>Edit</a> : null}
                </td>
              </tr>
            ))}
            {drafts.map((d) => (
              <tr key={`draft-${d.id}`} data-row={`draft-${d.id}`}>
                <td>{d.id}</td>
                <td>draft</td>
                <td>missing: {missingSummary(d.missing)}</td>
                <td>{canEdit ? <a href={`#/wizard/${d.id}`}>Continue</a> : str(d.updatedAt)}</td>
              </tr>
            ))}
            <EmptyRow when={channels.length + drafts.length === 0} columns={4}>No channel yet. Create a datastore and a connection, then a channel.</EmptyRow>
          </tbody>
        </table>
      </div>
    </Section>
  );
}
