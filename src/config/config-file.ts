import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError, parseOutboundConfig, type OutboundConfig } from '../domain/config/outbound-config';

/**
 * Replaces `${NAME}` and `${NAME:-default}` in string values with environment variables, so one
 * file serves several machines (ports, hosts). Secrets should use `env:NAME` refs instead, which
 * are resolved only when used and never stored.
 */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path = '', missing: string[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/gi, (_, name: string, fallback: string | undefined) => {
      const v = env[name] ?? fallback;
      if (v === undefined) {
        missing.push(`${path || '(root)'}: environment variable ${name} is not set and has no default`);
        return '';
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, `${path}[${i}]`, missing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env, path ? `${path}.${k}` : k, missing)]));
  }
  return value;
}

/** Reads a file as YAML (`.yaml`/`.yml`) or JSON, with `${NAME}` interpolated, not yet validated. */
export function readConfigDocument(file: string, env: NodeJS.ProcessEnv = process.env): unknown {
  let raw: unknown;
  const yaml = /\.ya?ml$/i.test(file);
  try {
    const text = readFileSync(file, 'utf8');
    raw = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new ConfigError(file, [{ path: '(file)', message: `cannot read ${yaml ? 'YAML' : 'JSON'}: ${(err as Error).message}` }], { cause: err });
  }
  const missing: string[] = [];
  const interpolated = interpolateEnv(raw, env, '', missing);
  if (missing.length) {
    throw new ConfigError(
      file,
      missing.map((m) => ({ path: m.split(':')[0], message: m.slice(m.indexOf(':') + 2) })),
    );
  }
  return interpolated;
}

/** Reads, interpolates and validates a configuration file (YAML or JSON); every problem is reported with its path. */
export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): OutboundConfig {
  return parseOutboundConfig(readConfigDocument(file, env), file);
}
