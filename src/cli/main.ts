/**
 * `outbound`: a thin client of the admin API (plus local `validate`, `preview` and `keys`).
 * Exit codes: 0 ok, 1 a check or operation failed, 2 usage, 3 unreachable or unauthorised.
 */
import { Command, CommanderError, Option } from 'commander';
import { readConfigDocument, loadConfigFile } from '../config/config-file';
import { ConfigError, parseOutboundConfig } from '../domain/config/outbound-config';
import { ApiClient, ApiUnreachableError, type ApiAnswer } from './api-client';
import { CliError, EXIT } from './cli-error';
import { resolveApiKey } from './cli-key';
import { createKey, keysTable, withKeyStore } from './keys-command';
import { progressLine } from './progress-bar';
import { registerResourceCommands } from './resource-commands';
import { textTable } from './text-table';

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  /** Poll interval of `sync --wait` (ms). */
  pollMs?: number;
}

const seg = (v: string) => encodeURIComponent(v);
/** `sync --wait` rides out an API restart (or a network blip) this long before giving up. */
const WAIT_UNREACHABLE_MS = 120_000;

interface PlanChange {
  object?: string;
  kind?: string;
  id?: string;
  action?: string;
  op?: string;
  fields?: string[];
}

/** The config plan (`POST /api/v1/config/plan`) as a table: object, action, changed fields. */
function planTable(body: { changes?: PlanChange[] } | PlanChange[]): string {
  const changes = Array.isArray(body) ? body : (body.changes ?? []);
  if (!changes.length) return 'no changes';
  return textTable(
    ['OBJECT', 'ACTION', 'FIELDS'],
    changes.map((c) => [c.object ?? `${c.kind ?? ''}:${c.id ?? ''}`, c.action ?? c.op, (c.fields ?? []).join(', ')]),
  );
}

function buildProgram(io: CliIo, setCode: (c: number) => void): Command {
  const program = new Command('outbound')
    .description('Outbound: outbound user provisioning to SAP Concur')
    .option('--api <url>', 'API base URL (OUTBOUND_API_URL)')
    .option('--key <key>', 'API key (else OUTBOUND_API_KEY, else the key file OUTBOUND_API_KEY_FILE)')
    .option('--json', 'machine-readable output')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError();

  /** The file as written (defaults are the server's to fill), once it validates locally. */
  const validated = (file: string) => {
    const doc = readConfigDocument(file, io.env);
    parseOutboundConfig(doc, file);
    return doc;
  };
  const globals = () => program.opts<{ api?: string; key?: string; json?: boolean }>();
  const client = () => {
    const g = globals();
    const url = (g.api ?? io.env.OUTBOUND_API_URL ?? `http://127.0.0.1:${io.env.OUTBOUND_API_PORT ?? 8080}`).replace(/\/$/, '');
    return new ApiClient(url, resolveApiKey(g.key, io.env));
  };
  /** Prints an answer: JSON with --json (or when no table fits), else the table; 4xx/5xx exit 1. */
  const show = (res: ApiAnswer, table?: (body: ApiAnswer['body']) => string) => {
    const failed = res.status >= 400;
    if (globals().json || !table || failed) io.out(JSON.stringify(res.body ?? null, null, 2));
    else io.out(table(res.body));
    if (failed) setCode(EXIT.failed);
  };
  const call = async (method: string, path: string, body?: unknown, table?: (b: ApiAnswer['body']) => string) => show(await client().request(method, path, body), table);

  program
    .command('validate')
    .description('check a configuration file (YAML or JSON), every problem with its path')
    .requiredOption('-f, --file <file>', 'configuration file')
    .action((o: { file: string }) => {
      const config = loadConfigFile(o.file, io.env);
      io.out(`${o.file}: valid (${config.datastores.length} datastores, ${config.connections.length} connections, ${config.channels.length} channels)`);
    });
  program
    .command('plan')
    .description('show what applying a configuration file would change')
    .requiredOption('-f, --file <file>', 'configuration file (YAML or JSON)')
    .option('--prune', 'also delete what the file no longer names')
    .action(async (o: { file: string; prune?: boolean }) => {
      const doc = validated(o.file);
      await call('POST', `/api/v1/config/plan${o.prune ? '?prune=true' : ''}`, doc, planTable);
    });
  program
    .command('apply')
    .description('apply a configuration file (one transaction)')
    .requiredOption('-f, --file <file>', 'configuration file (YAML or JSON)')
    .option('--prune', 'delete what the file no longer names')
    .action(async (o: { file: string; prune?: boolean }) => {
      const doc = validated(o.file);
      await call('PUT', `/api/v1/config?prune=${o.prune ? 'true' : 'false'}`, doc, () => `applied ${o.file}`);
    });

  program.command('channels').description('list channels').action(() =>
    call('GET', '/api/v1/channels', undefined, (b: Array<{ id: string; name?: string; active: boolean; version: number; users: Record<string, number> }>) =>
      textTable(['ID', 'NAME', 'ACTIVE', 'VERSION', 'ACTIVE USERS', 'FAILED'], b.map((c) => [c.id, c.name, c.active, c.version, c.users?.active, c.users?.failed])),
    ),
  );
  program.command('status').argument('<channel>').description('workflow status and current cycle progress').action((ch: string) =>
    call('GET', `/api/v1/channels/${seg(ch)}/status`, undefined, (s) =>
      [`channel ${s.channelId}: ${s.phase}${s.paused ? ' (paused)' : ''}`, s.progress ? progressLine(s.progress) : undefined, s.lastCycle ? `last cycle ${s.lastCycle.cycleNo}: ${s.lastCycle.outcome}` : undefined]
        .filter(Boolean)
        .join('\n'),
    ),
  );
  program.command('activate').argument('<channel>').description('run the activation checks and start cycling').action(async (ch: string) => {
    const res = await client().request('POST', `/api/v1/channels/${seg(ch)}/activate`);
    show(res, (b: { checks: Array<{ ok: boolean; warning?: boolean; name: string; message: string }> }) =>
      textTable(['CHECK', 'RESULT', 'MESSAGE'], b.checks.map((c) => [c.name, c.ok ? (c.warning ? 'warn' : 'ok') : 'FAIL', c.message])),
    );
    if (res.status === 422) setCode(EXIT.failed);
  });
  for (const action of ['deactivate', 'pause', 'resume', 'reset'] as const) {
    program.command(action).argument('<channel>').description(`${action} a channel`).action((ch: string) => call('POST', `/api/v1/channels/${seg(ch)}/${action}`, undefined, () => `${action} requested for ${ch}`));
  }
  program
    .command('sync')
    .argument('<channel>')
    .description('run a cycle now')
    .option('--full', 'full read (reconcile removals); same as --mode full')
    .addOption(new Option('--mode <mode>', 'incremental, full, or target (also reconcile with the users Concur holds)').choices(['incremental', 'full', 'target']))
    .option('--dry-run', 'plan only, change nothing in Concur')
    .option('--wait', 'wait for the cycle, with a progress bar')
    .action(async (ch: string, o: { full?: boolean; mode?: string; dryRun?: boolean; wait?: boolean }) => {
      const api = client();
      const mode = o.mode ?? (o.full ? 'full' : undefined);
      const started = await api.request('POST', `/api/v1/channels/${seg(ch)}/sync`, { mode, dryRun: o.dryRun ?? false });
      if (started.status >= 400 || !o.wait) return show(started, (b) => `cycle ${b.cycleNo} started (${b.workflowId})`);
      const cycleNo = started.body.cycleNo as number;
      let reachedAt = Date.now();
      for (;;) {
        let status: ApiAnswer;
        try {
          status = await api.request('GET', `/api/v1/channels/${seg(ch)}/status`);
          if (status.status < 500) reachedAt = Date.now();
        } catch (err) {
          // The cycle runs in the workers, not the API: an API restart must not end the wait.
          if (!(err instanceof ApiUnreachableError) || Date.now() - reachedAt > WAIT_UNREACHABLE_MS) throw err;
          await new Promise((r) => setTimeout(r, io.pollMs ?? 500));
          continue;
        }
        // 502/503/504: the API is shutting down or restarting (or its proxy cannot reach it).
        if ([502, 503, 504].includes(status.status) && Date.now() - reachedAt <= WAIT_UNREACHABLE_MS) {
          await new Promise((r) => setTimeout(r, io.pollMs ?? 500));
          continue;
        }
        if (status.status >= 400) return show(status);
        const last = status.body.lastCycle;
        if (last && last.cycleNo >= cycleNo) {
          if (globals().json) io.out(JSON.stringify(last, null, 2));
          else io.out(`cycle ${last.cycleNo} (${last.mode}): ${last.outcome}; read ${last.counts.read}, created ${last.counts.create}, updated ${last.counts.update}, failed ${last.counts.failed + last.counts.invalid}`);
          if (!['succeeded', 'planned'].includes(last.outcome)) setCode(EXIT.failed);
          return;
        }
        if (!globals().json) io.err(progressLine(status.body.progress));
        await new Promise((r) => setTimeout(r, io.pollMs ?? 500));
      }
    });
  program.command('cycles').argument('<channel>').description('recent cycles with counts').action((ch: string) =>
    call('GET', `/api/v1/channels/${seg(ch)}/cycles`, undefined, (b: Array<{ cycleNo: number; mode: string; outcome: string; counts: Record<string, number>; startedAt: string }>) =>
      textTable(['CYCLE', 'MODE', 'OUTCOME', 'READ', 'CREATE', 'UPDATE', 'DISABLE', 'FAILED', 'STARTED'], b.map((c) => [c.cycleNo, c.mode, c.outcome, c.counts.read, c.counts.create, c.counts.update, c.counts.disable, c.counts.failed, c.startedAt])),
    ),
  );
  program.command('cycle').argument('<channel>').argument('<n>').description('one cycle and its plan').action((ch: string, n: string) =>
    call('GET', `/api/v1/channels/${seg(ch)}/cycles/${seg(n)}`, undefined, (b: { plan: Array<{ guid: string; action: string; reason: string; outcome: string | null }> }) =>
      textTable(['GUID', 'ACTION', 'REASON', 'OUTCOME'], b.plan.map((i) => [i.guid, i.action, i.reason, i.outcome])),
    ),
  );
  for (const decision of ['approve', 'reject'] as const) {
    program.command(decision).argument('<channel>').argument('<n>').description(`${decision} a cycle held by the mass-change guard`).action((ch: string, n: string) =>
      call('POST', `/api/v1/channels/${seg(ch)}/cycles/${seg(n)}/${decision}`, undefined, () => `${decision} sent for cycle ${n}`),
    );
  }
  program.command('provision').argument('<channel>').argument('<guid>').option('--dry-run').description('provision one user now').action((ch: string, guid: string, o: { dryRun?: boolean }) =>
    call('POST', `/api/v1/channels/${seg(ch)}/users/${seg(guid)}/provision`, { dryRun: o.dryRun ?? false }),
  );
  program.command('users').argument('<channel>').description('user counts and failed users').action((ch: string) =>
    call('GET', `/api/v1/channels/${seg(ch)}/users`, undefined, (b: { counts: Record<string, number>; failed: Array<{ guid: string; lastErrorCode: string | null; attempts: number }> }) =>
      [Object.entries(b.counts).map(([k, v]) => `${k} ${v}`).join(', '), b.failed.length ? textTable(['GUID', 'ERROR', 'ATTEMPTS'], b.failed.map((u) => [u.guid, u.lastErrorCode, u.attempts])) : ''].join('\n').trimEnd(),
    ),
  );
  program.command('user').argument('<channel>').argument('<guid>').description("one user's record and audit trail").action((ch: string, guid: string) => call('GET', `/api/v1/channels/${seg(ch)}/users/${seg(guid)}`));
  program.command('preview').argument('<channel>').argument('<guid>').description('what the mapping makes of one source entry (runs locally)').action(async (ch: string, guid: string) => {
    const { previewUser } = await import('./preview-user');
    const result = await previewUser(ch, guid);
    io.out(JSON.stringify(result, null, 2));
    if (!(result.found && result.preview?.ok)) setCode(EXIT.failed);
  });

  registerResourceCommands(program, { client, show, env: io.env });

  const keys = program.command('keys').description('API keys (works on the local state store)');
  keys
    .command('create')
    .description('create a key and print it once')
    .addOption(new Option('--role <role>', 'what the key may do').choices(['read', 'operator', 'admin']).makeOptionMandatory())
    .requiredOption('--name <name>', 'who or what uses the key')
    .action(async (o: { role: string; name: string }) => {
      const { key, token } = await createKey(io.env, o.role, o.name);
      io.out(globals().json ? JSON.stringify({ ...key, token }, null, 2) : `${token}\n(key ${key.id}, role ${key.role}; shown once, store it safely)`);
    });
  keys.command('list').description('list keys (never their secrets)').action(async () => {
    const list = await withKeyStore(io.env, (k) => k.list());
    io.out(globals().json ? JSON.stringify(list, null, 2) : keysTable(list));
  });
  keys.command('revoke').argument('<id>').description('revoke a key at once').action(async (id: string) => {
    const found = await withKeyStore(io.env, (k) => k.revoke(id));
    if (!found) throw new CliError(`no key with id ${id}`, EXIT.failed);
    io.out(`key ${id} revoked`);
  });
  return program;
}

/** Runs one command line; resolves to the exit code (errors are written to `io.err`). */
export async function runCli(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const full: CliIo = { out: io.out ?? ((s) => console.log(s)), err: io.err ?? ((s) => console.error(s)), env: io.env ?? process.env, pollMs: io.pollMs };
  let code: number = EXIT.ok;
  const program = buildProgram(full, (c) => (code = Math.max(code, c)));
  if (argv.length === 0) {
    full.out(program.helpInformation().trimEnd());
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliError) {
      full.err(`outbound: ${err.message}`);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      full.err(err.message);
      return EXIT.failed;
    }
    full.err(`outbound: ${(err as Error).message}`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
