import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './service';

/** The schemathesis version the API's conformance test runs (PyPI). */
export const SCHEMATHESIS_VERSION = '4.32.5';

/**
 * Path of the schemathesis CLI in a project-local venv (tools/schemathesis-venv), created with
 * python3 -m venv and pip on first use, like the other services are installed when missing.
 */
export function ensureSchemathesis(): string {
  const venv = join(projectRoot, 'tools', 'schemathesis-venv');
  const st = join(venv, 'bin', 'st');
  const version = existsSync(st) ? spawnSync(st, ['--version'], { encoding: 'utf8' }).stdout : '';
  if (version.includes(SCHEMATHESIS_VERSION)) return st;
  const step = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`installing schemathesis: ${cmd} ${args.join(' ')} failed (is python3-venv installed?)\n${r.stderr}`);
  };
  if (!existsSync(join(venv, 'bin', 'pip'))) step('python3', ['-m', 'venv', venv]);
  step(join(venv, 'bin', 'pip'), ['install', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`]);
  return st;
}
