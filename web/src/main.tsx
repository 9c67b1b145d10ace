/** The Outbound admin console: sign in with an API key, then the pages (hash routes). */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, session } from './api/client';
import { call } from './api/call';
import { Button, Field, RoleContext, type Role } from './ui';
import { DatastoresPage } from './pages/datastores';
import { ConnectionsPage } from './pages/connections';
import { ChannelsPage } from './pages/channels';
import { WizardPage } from './pages/wizard';
import { DashboardPage } from './pages/dashboard';
import { UsersPage } from './pages/users';
import { AuditPage } from './pages/audit';
import './styles.css';

function useHash(): string {
  const [hash, setHash] = useState(location.hash.slice(1) || '/channels');
  useEffect(() => {
    const on = () => setHash(location.hash.slice(1) || '/channels');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function SignIn({ onSignedIn }: { onSignedIn: (role: Role) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    session.signIn(key.trim());
    const res = await call<{ role: Role }>(api.GET('/api/v1/session'));
    if (res.ok) {
      setKey(''); // nothing holds the key but session storage
      onSignedIn(res.data.role);
    } else {
      session.signOut();
      setError(res.problem.status === 401 ? 'this key is not valid (or was revoked)' : (res.problem.detail ?? 'sign-in failed'));
    }
  };
  return (
    <main class="signin">
      <form class="card" onSubmit={submit} aria-label="Sign in">
        <h1>Outbound</h1>
        <p>Sign in with an API key (npm run up prints where the first admin key is).</p>
        <Field label="API key" name="apiKey" type="password" value={key} onInput={setKey} error={error} required autoComplete="off" />
        <button type="submit" class="btn primary">
          Sign in
        </button>
      </form>
    </main>
  );
}

const NAV: Array<[string, string]> = [
  ['/channels', 'Channels'],
  ['/connections', 'Connections'],
  ['/datastores', 'Datastores'],
];

function Page({ route }: { route: string }) {
  const parts = route.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'datastores':
      return <DatastoresPage />;
    case 'connections':
      return <ConnectionsPage />;
    case 'wizard':
      return <WizardPage id={parts[1]} step={parts[2]} />;
    case 'channel':
      if (parts[2] === 'users') return <UsersPage id={parts[1]} guid={parts[3] ? decodeURIComponent(parts[3]) : undefined} />;
      if (parts[2] === 'audit') return <AuditPage id={parts[1]} />;
      return <DashboardPage id={parts[1]} />;
    default:
      return <ChannelsPage />;
  }
}

function App() {
  const route = useHash();
  const [role, setRole] = useState<Role | undefined>();
  const [checking, setChecking] = useState(Boolean(session.key()));
  useEffect(() => {
    if (!session.key()) return;
    void call<{ role: Role }>(api.GET('/api/v1/session')).then((res) => {
      if (res.ok) setRole(res.data.role);
      else session.signOut();
      setChecking(false);
    });
  }, []);
  if (checking) return <p class="loading">Loading…</p>;
  if (!role) return <SignIn onSignedIn={setRole} />;
  return (
    <RoleContext.Provider value={role}>
      <header class="top">
        <a class="brand" href="#/channels">
          Outbound
        </a>
        <nav aria-label="Main">
          {NAV.map(([href, label]) => (
            <a key={href} href={`#${href}`} aria-current={route.startsWith(href) ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class="role" data-role={role}>
          {role} key
        </span>
        <Button
          onClick={() => {
            session.signOut();
            setRole(undefined);
          }}
        >
          Sign out
        </Button>
      </header>
      <main class="content">
        <Page route={route} />
      </main>
    </RoleContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
