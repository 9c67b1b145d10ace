/**
 * The served OpenAPI document holds: schemathesis (PyPI, in a project-local venv) fuzzes every
 * documented operation; no server error, no response outside the documented codes and schemas.
 */
import { spawn } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { ensureSchemathesis } from '../../../scripts/services/schemathesis';
import { EngineHarness } from '../../support/engine-harness';
import { startApi } from '../../support/api-client';
import { person } from '../../support/memory-source';

const h = new EngineHarness();
let app: FastifyInstance;
let baseUrl: string;
let adminKey: string;

beforeAll(async () => {
  await h.start();
  for (let i = 1; i <= 3; i++) h.directory.put(person(i));
  await h.configure('fuzz');
  ({ app, baseUrl, adminKey } = await startApi({ client: h.client, store: h.store, taskQueue: h.taskQueue }));
}, 300_000);
afterAll(async () => {
  await app?.close();
  await h.stop();
}, 60_000);

it('schemathesis finds no server error, undocumented status code or schema violation', async () => {
  const st = ensureSchemathesis();
  const args = [
    'run',
    `${baseUrl}/api/v1/openapi.json`,
    '--checks',
    'not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance',
    '--max-examples',
    '8',
    '--workers',
    '1',
    '--request-timeout',
    '60',
    '--header',
    `Authorization: Bearer ${adminKey}`,
    '--generation-deterministic',
    '--no-color',
  ];
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(st, args, { env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false', NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (c) => resolve({ code: c, output }));
  });
  if (code !== 0) throw new Error(`schemathesis failed (exit ${code}):\n${output.slice(-8000)}`);
  expect(output).toMatch(/passed/i);
}, 900_000);
