import type { ChannelConfig } from '../../../src/domain/config/channel-config';
import { mappedSourceAttributes } from '../../../src/app/runtime';

const channel = (mapping: Record<string, unknown>) => ({ mapping }) as unknown as ChannelConfig;
const BASE = { userName: { source: 'mail' }, 'name.givenName': { source: 'givenName' }, 'name.familyName': { expression: '$substring(sn, 0, 32)' }, 'emails.work': { source: 'mail' } };

describe('the attributes a channel reads from its datastore', () => {
  it('are the mapped ones, named by sources and expressions', () => {
    expect([...(mappedSourceAttributes(channel(BASE)) ?? [])].sort()).toEqual(['givenName', 'mail', 'sn']);
  });

  it('are all of them when an expression reads attributes it does not name, or the mapping is broken', () => {
    expect(mappedSourceAttributes(channel({ ...BASE, title: { expression: '$lookup($, "title")' } }))).toBeUndefined();
    expect(mappedSourceAttributes(channel({ userName: { source: 'mail' } }))).toBeUndefined();
  });
});
