import { loadSettings, SettingsError } from '../../../src/config/settings';

describe('process settings', () => {
  it('has a default for every setting', () => {
    const s = loadSettings({ OUTBOUND_DATA_DIR: '/data' });
    expect(s).toMatchObject({ temporalAddress: '127.0.0.1:7233', namespace: 'default', apiPort: 8080, logLevel: 'info', retentionDays: 90 });
    expect(s.store).toEqual({ client: 'better-sqlite3', filename: '/data/outbound.db' });
    expect(s.taskQueue).toBeUndefined();
  });

  it('reads each variable once into a typed setting', () => {
    const s = loadSettings({ OUTBOUND_API_PORT: '9090', OUTBOUND_TASK_QUEUE: 'q', OUTBOUND_RETENTION_DAYS: '30', OUTBOUND_TEMPORAL_UI_URL: 'http://ui:8233', OUTBOUND_LOG_LEVEL: 'warn' });
    expect(s).toMatchObject({ apiPort: 9090, taskQueue: 'q', retentionDays: 30, temporalUiUrl: 'http://ui:8233', logLevel: 'warn' });
  });

  it('refuses a malformed value with an error naming the variable, not a NaN port', () => {
    expect(() => loadSettings({ OUTBOUND_API_PORT: 'eighty' })).toThrow(SettingsError);
    expect(() => loadSettings({ OUTBOUND_API_PORT: 'eighty' })).toThrow('OUTBOUND_API_PORT must be a port number from 1 to 65535');
    expect(() => loadSettings({ OUTBOUND_TEMPORAL_PORT: '70000' })).toThrow(/^OUTBOUND_TEMPORAL_PORT /);
    expect(() => loadSettings({ OUTBOUND_LOG_LEVEL: 'loud' })).toThrow(/^OUTBOUND_LOG_LEVEL is invalid/);
    expect(() => loadSettings({ OUTBOUND_RETENTION_DAYS: 'ninety' })).toThrow(/^OUTBOUND_RETENTION_DAYS /);
  });
});
