/** The PingFederate-parity settings are in the config schema, so in the API's OpenAPI description. */
import { configSchemaComponents, SyncBody } from '../../../src/api/api-schemas';

describe('PingFederate settings in the OpenAPI description', () => {
  const text = JSON.stringify(configSchemaComponents());
  it.each(['userCreate', 'userUpdate', 'userDisableDelete', 'provisionDisabledUsers', 'removeAction', 'timestamp-no-negation', 'timestampAttribute', 'usnAttribute', 'comparisonValue', 'comparisonStatus', 'targetReconcileEvery', 'orphanAction'])('%s', (name) => {
    expect(text).toContain(`"${name}"`);
  });

  it('sync accepts mode target and refuses an unknown mode naming the field', () => {
    expect(SyncBody.parse({ mode: 'target' })).toEqual({ mode: 'target' });
    expect(SyncBody.safeParse({ mode: 'drift' }).error?.issues[0].path).toEqual(['mode']);
  });
});
