/**
 * The `outbound` CLI (`npm run cli -- <command>`): a thin client of the admin API, plus local
 * validation of configuration files. Set OUTBOUND_API_URL to reach another API.
 */
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../config/config-file';
import { ConfigError } from '../domain/config/outbound-config';

const USAGE = `usage: outbound <command> [options]
  validate -f FILE                 check a configuration file (every problem with its path)
  apply -f FILE                    validate and apply a configuration file
  channels                         list channels
  status CHANNEL                   workflow status and current cycle progress
  activate CHANNEL                 verify credentials, datastore, filter, mapping; start cycling
  deactivate | pause | resume CHANNEL
  sync CHANNEL [--full] [--dry-run] [--wait]
  cycles CHANNEL                   recent cycles with counts
  cycle CHANNEL N                  one cycle and its plan (GUID, action, reason, outcome)
  approve | reject CHANNEL N       decide a cycle held by the mass-change guard
  provision CHANNEL GUID [--dry-run]   provision one user now, with the explanation
  preview CHANNEL GUID             what the mapping makes of one source entry (runs locally)
  users CHANNEL                    user counts and failed users
  user CHANNEL GUID                one user's record and audit trail
  reset CHANNEL                    forget the channel's state and re-provision everything`;

export async function runCli(argv: string[], out: (s: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      file: { type: 'string', short: 'f' },
      full: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      wait: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, a, b] = positionals;
  const api = (process.env.OUTBOUND_API_URL ?? `http://127.0.0.1:${process.env.OUTBOUND_API_PORT ?? 8080}`).replace(/\/$/, '');
  const call = async (method: string, path: string, body?: unknown) => {
    let res: Response;
    try {
      res = await fetch(`${api}/api/v1${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    } catch (err) {
      throw new Error(`cannot reach the Outbound API at ${api} (${(err as Error).message}); is it running? (npm run up)`);
    }
    const json = await res.json().catch(() => ({}));
    out(JSON.stringify(json, null, 2));
    return res.ok ? 0 : 1;
  };
  const need = (v: string | undefined, what: string) => {
    if (!v) throw new Error(`missing ${what}\n${USAGE}`);
    return encodeURIComponent(v);
  };

  if (values.help || !command) {
    out(USAGE);
    return command ? 0 : 2;
  }
  switch (command) {
    case 'validate':
    case 'apply': {
      const file = values.file ?? a;
      if (!file) throw new Error(`missing -f FILE\n${USAGE}`);
      const config = loadConfigFile(file);
      if (command === 'validate') {
        out(`${file}: valid (${config.datastores.length} datastores, ${config.connections.length} connections, ${config.channels.length} channels)`);
        return 0;
      }
      return call('PUT', '/config', config);
    }
    case 'channels':
      return call('GET', '/channels');
    case 'status':
      return call('GET', `/channels/${need(a, 'CHANNEL')}/status`);
    case 'activate':
    case 'deactivate':
    case 'pause':
    case 'resume':
    case 'reset':
      return call('POST', `/channels/${need(a, 'CHANNEL')}/${command}`);
    case 'sync':
      return call('POST', `/channels/${need(a, 'CHANNEL')}/sync`, { mode: values.full ? 'full' : undefined, dryRun: values['dry-run'] ?? false, wait: values.wait ?? false });
    case 'cycles':
      return call('GET', `/channels/${need(a, 'CHANNEL')}/cycles`);
    case 'cycle':
      return call('GET', `/channels/${need(a, 'CHANNEL')}/cycles/${need(b, 'N')}`);
    case 'approve':
    case 'reject':
      return call('POST', `/channels/${need(a, 'CHANNEL')}/cycles/${need(b, 'N')}/${command}`);
    case 'provision':
      return call('POST', `/channels/${need(a, 'CHANNEL')}/users/${need(b, 'GUID')}/provision`, { dryRun: values['dry-run'] ?? false });
    case 'preview': {
      if (!a || !b) throw new Error(`missing CHANNEL or GUID\n${USAGE}`);
      const { previewUser } = await import('./preview-user');
      const result = await previewUser(a, b);
      out(JSON.stringify(result, null, 2));
      return result.found && result.preview?.ok ? 0 : 1;
    }
    case 'users':
      return call('GET', `/channels/${need(a, 'CHANNEL')}/users`);
    case 'user':
      return call('GET', `/channels/${need(a, 'CHANNEL')}/users/${need(b, 'GUID')}`);
    default:
      throw new Error(`unknown command "${command}"\n${USAGE}`);
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((err: Error) => {
      console.error(err instanceof ConfigError ? err.message : `outbound: ${err.message}`);
      process.exit(2);
    });
}
