/**
 * The wizard's objects one at a time (the seed's steps): datastores, connections from the Concur
 * template with their metadata and target, and channels saved as drafts until complete.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { readConfigDocument } from '../config/config-file';
import type { ApiAnswer, ApiClient } from './api-client';
import { CliError, EXIT } from './cli-error';
import { textTable } from './text-table';

export interface ResourceCommandContext {
  client: () => ApiClient;
  show: (res: ApiAnswer, table?: (body: ApiAnswer['body']) => string) => void;
  env: NodeJS.ProcessEnv;
}

const seg = (v: string) => encodeURIComponent(v);

/** One object from a YAML or JSON file (`${VAR:-default}` filled from the environment). */
function objectFile(file: string, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const doc = readConfigDocument(file, env);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new CliError(`${file}: must hold one object`, EXIT.usage);
  return doc as Record<string, unknown>;
}

/** `a.b=value` pairs; a value that parses as JSON (true, 8, "x", {...}) is taken as such. */
export function parseAssignments(pairs: string[]): Array<[string[], unknown]> {
  return pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliError(`"${pair}" is not field=value`, EXIT.usage);
    const raw = pair.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    return [pair.slice(0, at).split('.'), value];
  });
}

function assign(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

type Missing = Record<string, Array<{ pointer: string; message: string }>>;

/** A draft's missing fields per wizard step, as a table (the review row lists them all). */
function missingTable(body: { id?: string; missing?: Missing }): string {
  const missing = body.missing ?? {};
  const rows = Object.entries(missing)
    .filter(([step]) => step !== 'review')
    .map(([step, issues]) => [step, issues.length ? issues.map((i) => i.pointer).join(', ') : 'complete']);
  const total = missing.review?.length ?? 0;
  return `${textTable(['STEP', 'MISSING'], rows)}\n${total ? `${total} field(s) missing` : 'nothing missing: save it with --save'}`;
}

const created = (b: { id?: string }) => `${b.id ?? 'object'} saved`;

export function registerResourceCommands(program: Command, ctx: ResourceCommandContext): void {
  const { client, show, env } = ctx;

  for (const kind of ['datastores', 'connections'] as const) {
    const group = program.command(kind).description(`${kind} one at a time`);
    group
      .command('list')
      .description(`list ${kind}`)
      .action(async () => show(await client().request('GET', `/api/v1/${kind}`), (b: Array<{ id: string; name?: string }>) => textTable(['ID', 'NAME'], b.map((o) => [o.id, o.name]))));
    group
      .command('get')
      .argument('<id>')
      .description('one object (secrets as "set" or a reference)')
      .action(async (id: string) => show(await client().request('GET', `/api/v1/${kind}/${seg(id)}`)));
    group
      .command('create')
      .description(kind === 'connections' ? 'create from a file (`template: concur` fills the defaults)' : 'create from a file')
      .requiredOption('-f, --file <file>', 'the object (YAML or JSON)')
      .action(async (o: { file: string }) => show(await client().request('POST', `/api/v1/${kind}`, objectFile(o.file, env)), created));
    group
      .command('set')
      .argument('<id>')
      .argument('<field=value...>', 'fields to change, dotted for nested ones (e.g. baseUrl=https://…, auth.accessToken=env:NAME)')
      .description('change fields: read, edit, write back with If-Match (a concurrent edit is refused)')
      .action(async (id: string, pairs: string[]) => {
        const api = client();
        const current = await api.request('GET', `/api/v1/${kind}/${seg(id)}`);
        if (current.status !== 200) return show(current);
        const next = structuredClone(current.body as Record<string, unknown>);
        for (const [path, value] of parseAssignments(pairs)) assign(next, path, value);
        const etag = current.headers?.get('etag');
        show(await api.request('PUT', `/api/v1/${kind}/${seg(id)}`, next, { headers: etag ? { 'if-match': etag } : {} }), created);
      });
  }
  const connections = program.commands.find((c) => c.name() === 'connections')!;
  connections
    .command('metadata')
    .argument('<id>')
    .requiredOption('-f, --file <file>', 'SAML metadata XML (e.g. config/concur-saml-metadata.xml)')
    .description('import SAML metadata: General Info and the connection type')
    .action(async (id: string, o: { file: string }) =>
      show(await client().request('POST', `/api/v1/connections/${seg(id)}/metadata`, undefined, { raw: { text: readFileSync(o.file, 'utf8'), contentType: 'application/xml' } }), (b) =>
        textTable(['ID', 'ENTITY ID', 'PROVISIONING', 'BROWSER SSO'], [[b.id, b.entityId, b.connectionType?.outboundProvisioning, b.connectionType?.browserSso]]),
      ),
    );
  connections
    .command('test')
    .argument('<id>')
    .description('obtain a token and make one read-only Concur call (no side effects)')
    .action(async (id: string) => {
      const res = await client().request('POST', `/api/v1/connections/${seg(id)}/test`);
      show(res, (b: { checks: Array<{ name: string; ok: boolean; message: string }> }) => textTable(['CHECK', 'OK', 'MESSAGE'], b.checks.map((c) => [c.name, c.ok, c.message])));
      if (res.status === 200 && res.body?.ok === false) throw new CliError('the connection check failed', EXIT.failed);
    });

  program
    .command('draft')
    .argument('<channel>')
    .option('-f, --file <file>', 'fields to add to the saved draft (YAML or JSON); without it, show the draft')
    .option('--save', 'save the completed draft as the channel (refused while something is missing)')
    .description("a channel built step by step: each file adds to the saved draft, which lists what is missing per wizard step")
    .action(async (id: string, o: { file?: string; save?: boolean }) => {
      const api = client();
      const saved = await api.request('GET', `/api/v1/channels/${seg(id)}/draft`);
      if (saved.status !== 200 && saved.status !== 404) return show(saved);
      const base = saved.status === 200 ? (saved.body.draft as Record<string, unknown>) : { id };
      if (!o.file && !o.save) {
        if (saved.status === 404) throw new CliError(`channel ${id} has no draft`, EXIT.failed);
        return show(saved, missingTable);
      }
      const draft = { ...base, ...(o.file ? objectFile(o.file, env) : {}), id };
      if (!o.save) return show(await api.request('PUT', `/api/v1/channels/${seg(id)}?draft=true`, draft), missingTable);
      const review = await api.request('POST', '/api/v1/channels/validate?step=review', draft);
      if (review.status === 200 && review.body.ok === false) {
        await api.request('PUT', `/api/v1/channels/${seg(id)}?draft=true`, draft);
        show({ status: 200, body: { id, missing: { review: review.body.missing } } }, () => `not saved: ${review.body.missing.length} field(s) missing (kept in the draft)`);
        throw new CliError('the channel is incomplete', EXIT.failed);
      }
      show(await api.request('POST', '/api/v1/channels', draft), (b) => `channel ${b.id} saved (inactive; activate it with: outbound activate ${b.id})`);
    });
}
