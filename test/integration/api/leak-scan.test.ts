import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanForLeaks } from '../../../scripts/leak-scan';
import { API_RESPONSES_PREFIX } from '../../support/api-response-recorder';
import { LEAK_MANIFEST } from '../../support/leak-manifest';
import { ensureTemporal, type TestTemporal } from '../../support/temporal';

let temporal: TestTemporal;
const dir = mkdtempSync(join(tmpdir(), 'leak-scan-'));

beforeAll(async () => {
  temporal = await ensureTemporal();
});
afterAll(async () => {
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the leak scan after the suites', () => {
  it('reads recorded API responses and reports one that carries a secret or a value, counting bytes', async () => {
    writeFileSync(join(dir, LEAK_MANIFEST), `${JSON.stringify({ suite: 'leak-scan-test', secrets: ['needle-secret-4711'], values: ["O'Brien-Smith 42"] })}\n`);
    const responses = [
      { method: 'GET', url: '/api/v1/channels?x=1', status: 200, body: '{"channels":[]}' },
      { method: 'POST', url: '/api/v1/keys', status: 201, body: '{"token":"needle-secret-4711"}' },
      { method: 'GET', url: '/api/v1/channels/c/users/g', status: 200, body: `{"name":"O'Brien-Smith 42"}` },
    ];
    writeFileSync(join(dir, `${API_RESPONSES_PREFIX}1.ndjson`), responses.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const result = await scanForLeaks({ temporalAddress: temporal.address, logDir: dir });
    expect(result.apiResponses).toBe(3);
    expect(result.hits).toEqual(
      expect.arrayContaining([
        { where: 'API response to POST /api/v1/keys (201)', kind: 'secret' },
        { where: 'API response to GET /api/v1/channels/c/users/g (200)', kind: 'value' },
      ]),
    );
    expect(result.hits.filter((h) => h.where.startsWith('API response'))).toHaveLength(2);
    expect(result.bytes).toBeGreaterThanOrEqual(responses.reduce((n, r) => n + r.body.length, 0));
  });
});
