import { z } from 'zod';
import { ChannelConfig } from './channel-config';
import { ConnectionConfig, connectionUrlProblem } from './connection-config';
import { DatastoreConfig } from './datastore-config';

/**
 * A whole Outbound configuration as code: datastores, SP connections and their channels.
 * Validated once, at the edge; the same schemas describe the HTTP API.
 */
export const OutboundConfig = z
  .object({
    datastores: z.array(DatastoreConfig).default([]),
    connections: z.array(ConnectionConfig).default([]),
    channels: z.array(ChannelConfig).default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    const unique = (kind: 'datastores' | 'connections' | 'channels', ids: string[]) => {
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [kind, i, 'id'], message: `duplicate id "${id}"` });
        seen.add(id);
      });
    };
    unique('datastores', config.datastores.map((d) => d.id));
    unique('connections', config.connections.map((c) => c.id));
    unique('channels', config.channels.map((c) => c.id));
    config.connections.forEach((connection, i) => {
      const problem = connectionUrlProblem(connection);
      if (problem) ctx.addIssue({ code: 'custom', path: ['connections', i, 'baseUrl'], message: problem });
    });
    const datastores = new Map(config.datastores.map((d) => [d.id, d]));
    const connections = new Set(config.connections.map((c) => c.id));
    config.channels.forEach((channel, i) => {
      const datastore = datastores.get(channel.datastoreId);
      if (!datastore) ctx.addIssue({ code: 'custom', path: ['channels', i, 'datastoreId'], message: `no datastore with id "${channel.datastoreId}"` });
      else if (datastore.type !== channel.source.kind) {
        ctx.addIssue({ code: 'custom', path: ['channels', i, 'source', 'kind'], message: `source settings are for ${channel.source.kind} but datastore "${datastore.id}" is ${datastore.type}` });
      }
      if (!connections.has(channel.connectionId)) ctx.addIssue({ code: 'custom', path: ['channels', i, 'connectionId'], message: `no connection with id "${channel.connectionId}"` });
    });
  });
export type OutboundConfig = z.infer<typeof OutboundConfig>;

export interface ConfigIssue {
  /** Where, e.g. `channels[0].mapping.userName.source`. */
  path: string;
  message: string;
}

/** Renders zod issues as `path: message` pairs an administrator can act on. */
export function describeIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '') || '(root)',
    message: issue.message,
  }));
}

/** An invalid configuration: every problem, each with where it is. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: ConfigIssue[],
    options?: { cause?: unknown },
  ) {
    super(`invalid configuration in ${source}:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`, options);
    this.name = 'ConfigError';
  }
}

export function parseOutboundConfig(raw: unknown, source: string): OutboundConfig {
  const result = OutboundConfig.safeParse(raw);
  if (!result.success) throw new ConfigError(source, describeIssues(result.error), { cause: result.error });
  return result.data;
}
