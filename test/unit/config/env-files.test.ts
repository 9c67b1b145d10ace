import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvFileError, loadEnvFiles, readEnvFiles } from '../../../src/config/env-files';
import { loadSettings } from '../../../src/config/settings';

describe('NAME_FILE secrets', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'env-files-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads each NAME_FILE into NAME, trimmed, so settings see the database URL', () => {
    writeFileSync(join(dir, 'pg'), 'postgres://u:p@db:5432/outbound\n');
    writeFileSync(join(dir, 'payload'), 'a2V5\n');
    const env: NodeJS.ProcessEnv = { OUTBOUND_STATE_PG_URL_FILE: join(dir, 'pg'), OUTBOUND_PAYLOAD_KEY_FILE: join(dir, 'payload') };
    loadEnvFiles(env);
    expect(env.OUTBOUND_PAYLOAD_KEY).toBe('a2V5');
    expect(loadSettings(env).store).toEqual({ client: 'pg', connection: 'postgres://u:p@db:5432/outbound' });
  });

  it('keeps a variable that is set directly', () => {
    writeFileSync(join(dir, 'tok'), 'from-file');
    expect(readEnvFiles({ OUTBOUND_CODEC_TOKEN: 'direct', OUTBOUND_CODEC_TOKEN_FILE: join(dir, 'tok') })).toEqual({});
  });

  it('names the variable and path of a missing or empty file, never the content', () => {
    const read = () => readEnvFiles({ OUTBOUND_STATE_PG_URL_FILE: join(dir, 'absent') });
    expect(read).toThrow(EnvFileError);
    expect(read).toThrow(`OUTBOUND_STATE_PG_URL_FILE: cannot read ${join(dir, 'absent')} (ENOENT)`);
    writeFileSync(join(dir, 'empty'), ' \n');
    expect(() => readEnvFiles({ OUTBOUND_BOOTSTRAP_ADMIN_KEY_FILE: join(dir, 'empty') })).toThrow(/OUTBOUND_BOOTSTRAP_ADMIN_KEY_FILE: .* is empty/);
  });

  it('leaves OUTBOUND_SECRET_KEY_FILE to the state store (it is the key file itself)', () => {
    writeFileSync(join(dir, 'sk'), 'x');
    expect(readEnvFiles({ OUTBOUND_SECRET_KEY_FILE: join(dir, 'sk') })).toEqual({});
  });
});
