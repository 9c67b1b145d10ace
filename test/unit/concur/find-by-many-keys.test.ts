import { findByManyKeys, type ConcurIdentityClient } from '../../../src/targets/concur/concur-identity-client';

/** A client whose searches each wait until released, recording how many were open at once. */
function gatedClient() {
  let open = 0;
  let maxOpen = 0;
  const filters: string[] = [];
  const waiting: Array<() => void> = [];
  const client = {
    async *searchAll(filter: string) {
      filters.push(filter);
      open++;
      maxOpen = Math.max(maxOpen, open);
      await new Promise<void>((resolve) => waiting.push(resolve));
      open--;
      const n = filters.indexOf(filter);
      yield { id: `id-${n}`, userName: `found${n}@example.org` };
    },
  } as unknown as ConcurIdentityClient;
  return { client, filters, waiting, maxOpen: () => maxOpen };
}

describe('batched look-up of many users', () => {
  it('sends its searches together (one round trip per batch, not one per 40 users) and returns every match', async () => {
    const gate = gatedClient();
    const keys = Array.from({ length: 200 }, (_, i) => ({ userName: `u${i}@example.org`, employeeNumber: `E${i}` }));
    const result = findByManyKeys(gate.client, keys, 40);
    // All five searches are open before any answers.
    for (let i = 0; i < 50 && gate.waiting.length < 5; i++) await new Promise((r) => setImmediate(r));
    expect(gate.maxOpen()).toBe(5);
    expect(gate.filters.every((f) => f.split(' or ').length === 80)).toBe(true);
    gate.waiting.forEach((release) => release());
    expect((await result).map((u) => u.id).sort()).toEqual(['id-0', 'id-1', 'id-2', 'id-3', 'id-4']);
  });
});
