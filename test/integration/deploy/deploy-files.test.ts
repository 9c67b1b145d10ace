/**
 * The deploy files, checked without Docker or a cluster: docker-compose.yml against the compose
 * specification's JSON schema, the Helm chart with `helm lint` / `helm template` and its manifests
 * against Kubernetes' OpenAPI schemas (both vendored in deploy/schemas by
 * scripts/vendor-deploy-schemas.ts), and every third-party image against deploy/images.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse, parseAllDocuments } from 'yaml';
import { createConcurSimulator } from '../../../simulators/concur';
import { secretPolicyFromEnv, secretReferenceIssues } from '../../../src/config/secret-policy';
import { connectionUrlProblem } from '../../../src/domain/config/connection-config';
import { parseOutboundConfig } from '../../../src/domain/config/outbound-config';

const root = join(__dirname, '..', '..', '..');
const chart = join(root, 'deploy', 'helm', 'outbound');
const readJson = <T>(p: string): T => JSON.parse(readFileSync(join(root, p), 'utf8')) as T;
const images = readJson<{ images: Record<string, string>; retired: string[] }>('deploy/images.json');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests and compose files are checked by schema, not by type
type Doc = any;

/** Compose's own interpolation for the forms the file uses: ${VAR:-default} and $$. */
const interpolate = (text: string) => text.replace(/\$\{([A-Z_]+):-([^}]*)\}/g, (_m, name: string, def: string) => process.env[name] ?? def).replace(/\$\$/g, '$');

function composeValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  return ajv.compile(readJson<object>('deploy/schemas/compose-spec.json'));
}

describe('docker-compose.yml', () => {
  const compose: Doc = parse(interpolate(readFileSync(join(root, 'docker-compose.yml'), 'utf8')), { merge: true });
  const validate = composeValidator();

  it('is valid under the compose specification schema', () => {
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
  });

  it('the schema rejects what compose would (so the check above can fail)', () => {
    const broken = structuredClone(compose);
    broken.services.worker.deploy.replicas = [2];
    broken.services.api.restart_policy = 'always';
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(expect.arrayContaining(['/services/worker/deploy/replicas', '/services/api']));
  });

  it('runs two workers, restarts long-running services, and health-checks them', () => {
    expect(compose.services.worker.deploy.replicas).toBe(2);
    for (const [name, svc] of Object.entries<Doc>(compose.services)) {
      const job = svc.restart === 'no' || String(svc.restart).startsWith('on-failure');
      if (!job) expect({ name, restart: svc.restart }).toEqual({ name, restart: 'unless-stopped' });
    }
    for (const name of ['postgres', 'temporal', 'api', 'worker']) expect(compose.services[name].healthcheck?.test).toBeDefined();
    // Workers answer /healthz beside their /metrics, on the compose network only.
    expect(compose.services.worker.environment.OUTBOUND_WORKER_METRICS_ADDRESS).toBe('0.0.0.0:9464');
    expect(compose.services.worker.healthcheck.test.join(' ')).toContain('http://127.0.0.1:9464/healthz');
    expect(compose.services.worker.ports).toBeUndefined();
    expect(compose.services.openldap.profiles).toEqual(['demo']);
    expect(compose.services['demo-setup'].profiles).toEqual(['demo']);
  });

  it('publishes only the API and the Web UI, on 127.0.0.1', () => {
    const published = Object.entries<Doc>(compose.services).filter(([, s]) => s.ports).map(([name, s]) => [name, s.ports]);
    expect(published).toEqual([
      ['temporal-ui', ['127.0.0.1:8233:8080']],
      ['api', ['127.0.0.1:8080:8080']],
    ]);
  });

  it('gives secrets as compose secret files, never as plain environment values', () => {
    const secretNames = Object.keys(compose.secrets);
    for (const s of Object.values<Doc>(compose.secrets)) expect(s.file).toMatch(/^\.\/docker\/secrets\/[a-z_]+\.txt$/);
    for (const name of ['worker', 'api']) {
      const svc = compose.services[name];
      expect(svc.secrets).toEqual(expect.arrayContaining(['state_pg_url', 'payload_key', 'vault_key', 'bootstrap_admin_key']));
      for (const [k, v] of Object.entries<string>(svc.environment)) {
        if (/PG_URL|KEY|TOKEN|PASSWORD/.test(k)) expect({ k, v }).toEqual({ k, v: expect.stringMatching(/^\/run\/secrets\/[a-z_]+$/) });
        if (k.endsWith('_FILE') && v.startsWith('/run/secrets/')) expect(secretNames).toContain(v.slice('/run/secrets/'.length));
      }
      expect(svc.volumes).toBeUndefined(); // no key files shared through a volume
    }
    // `build: .` copies the repository: the secret files must not end up in the image.
    expect(readFileSync(join(root, '.dockerignore'), 'utf8').split('\n')).toContain('docker/secrets/*.txt');
  });
});

describe('images', () => {
  const compose: Doc = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
  it('runs the state store migrations once, in a one-shot service the worker and the API wait for', () => {
    const migrate = compose.services.migrate;
    expect(migrate.command).toEqual(['npx', 'tsx', 'src/store/migrate-main.ts']);
    expect(migrate.restart).toBe('no');
    for (const name of ['worker', 'api']) expect(compose.services[name].depends_on.migrate).toEqual({ condition: 'service_completed_successfully' });
  });

  it("the demo configuration passes the API's rules as compose sets them: https, confined secret files", async () => {
    const demo = readJson<Doc>('docker/demo-config.json');
    const config = parseOutboundConfig(demo, 'docker/demo-config.json');
    for (const c of config.connections) expect({ id: c.id, problem: connectionUrlProblem(c) }).toEqual({ id: c.id, problem: undefined });
    const api = compose.services.api;
    const policy = secretPolicyFromEnv(api.environment, api.environment.OUTBOUND_DATA_DIR);
    const none = { getDatastore: async () => undefined, getConnection: async () => undefined };
    expect(await secretReferenceIssues(config, policy, none)).toEqual([]);
    // The files it names are mounted there for the processes that resolve them (worker, API).
    const refs = [...JSON.stringify(demo).matchAll(/"file:([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const name of ['worker', 'api']) {
      const targets = compose.services[name].secrets.filter((x: Doc) => typeof x === 'object').map((x: Doc) => x.target);
      expect(targets).toEqual(expect.arrayContaining(refs));
      // The process's own keys stay outside the directory references may name.
      expect(compose.services[name].environment.OUTBOUND_SECRET_KEY_FILE.startsWith(policy.secretsDir + '/')).toBe(false);
    }
    // The simulator serves https with the demo certificate; worker and API trust the demo CA.
    expect(compose.services['concur-simulator'].environment).toMatchObject({ CONCUR_SIM_TLS_CERT_FILE: '/run/secrets/concur_sim_tls_cert', CONCUR_SIM_TLS_KEY_FILE: '/run/secrets/concur_sim_tls_key' });
    for (const name of ['worker', 'api']) expect(compose.services[name].environment.NODE_EXTRA_CA_CERTS).toBe('/run/secrets/demo_ca_cert');
    expect(compose.services['temporal-ui'].environment.TEMPORAL_CODEC_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:[^/]+\/api\/v1\/codec$/); // where the API serves it
  });

  it("generate.sh's demo certificate is trusted through NODE_EXTRA_CA_CERTS, and nothing else is", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbound-secrets-'));
    try {
      writeFileSync(join(dir, 'generate.sh'), readFileSync(join(root, 'docker', 'secrets', 'generate.sh')));
      const gen = spawnSync('sh', [join(dir, 'generate.sh')], { encoding: 'utf8' });
      expect(gen.status).toBe(0);
      // Only the .txt secrets are left (no CA key, no serial file), each readable by its owner only.
      const files = readdirSync(dir).filter((f) => f !== 'generate.sh');
      expect(files.every((f) => f.endsWith('.txt'))).toBe(true);
      for (const f of files) expect((statSync(join(dir, f)).mode & 0o077).toString(8)).toBe('0');
      expect(readFileSync(join(dir, 'concur_sim_tls_key.txt'), 'utf8')).toMatch(/PRIVATE KEY/);
      expect(files.some((f) => /ca.*key/i.test(f))).toBe(false);

      const sim = createConcurSimulator({ tls: { cert: readFileSync(join(dir, 'concur_sim_tls_cert.txt')), key: readFileSync(join(dir, 'concur_sim_tls_key.txt')) } });
      const { url } = await sim.listen(0, '127.0.0.1');
      try {
        expect(url).toMatch(/^https:\/\//);
        const health = `${url.replace('127.0.0.1', 'localhost')}/_sim/health`;
        const probe = (env: Record<string, string>) =>
          new Promise<number | null>((resolve) => {
            const child = spawn(process.execPath, ['-e', `fetch(${JSON.stringify(health)}).then((r) => process.exit(r.ok ? 0 : 2), () => process.exit(3))`], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
            child.on('exit', resolve);
          });
        expect(await probe({ NODE_EXTRA_CA_CERTS: join(dir, 'demo_ca_cert.txt') })).toBe(0);
        expect(await probe({})).toBe(3); // an unknown CA is refused: nothing was made insecure
      } finally {
        await sim.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  const used = new Map<string, string>();
  for (const svc of Object.values<Doc>(compose.services)) if (svc.image && !svc.build) used.set(...(svc.image.split(':') as [string, string]));
  for (const file of ['Dockerfile', 'docker/openldap/Dockerfile']) {
    for (const m of readFileSync(join(root, file), 'utf8').matchAll(/^FROM\s+([^\s:]+):(\S+)/gm)) used.set(m[1], m[2]);
  }

  it('every third-party image is on the list, with the listed tag, and none is retired', () => {
    expect(Object.fromEntries(used)).toEqual(images.images);
    for (const name of images.retired) expect(used.has(name)).toBe(false);
  });
});

describe('Helm chart deploy/helm/outbound', () => {
  const helm = process.env.OUTBOUND_HELM ?? join(root, 'tools', 'bin', 'helm');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'outbound-helm-'));
    writeFileSync(
      join(dir, 'values.yaml'),
      [
        'secrets: { databaseUrl: "postgres://outbound:pw@pg:5432/outbound", payloadKey: cGF5bG9hZA==, vaultKey: dmF1bHQ=, codecToken: tok, bootstrapAdminKey: admin }',
        'api: { ingress: { enabled: true, className: nginx } }',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => spawnSync(helm, args, { encoding: 'utf8', env: { ...process.env, HELM_CACHE_HOME: join(dir, 'cache'), HELM_CONFIG_HOME: join(dir, 'config'), HELM_DATA_HOME: join(dir, 'data') } });
  const render = (...args: string[]): Doc[] => {
    const r = run('template', 'outbound', chart, ...args);
    if (r.status !== 0) throw new Error(r.stderr);
    return parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean);
  };

  /** Kubernetes' OpenAPI v3 definitions, strict: unknown fields are errors (as `kubectl --validate=strict`). */
  function kubernetesValidator() {
    const doc = readJson<{ components: { schemas: Record<string, Doc> } }>('deploy/schemas/kubernetes-openapi-v3.json');
    const strict = (s: Doc): void => {
      if (!s || typeof s !== 'object') return;
      if (s.properties && s.additionalProperties === undefined) s.additionalProperties = false;
      Object.values(s).forEach(strict);
    };
    strict(doc.components.schemas);
    const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
    ajv.addSchema({ $id: 'k8s', ...doc });
    const byKind: Record<string, string> = {
      'v1/Secret': 'core.v1.Secret',
      'v1/Service': 'core.v1.Service',
      'apps/v1/Deployment': 'apps.v1.Deployment',
      'batch/v1/Job': 'batch.v1.Job',
      'policy/v1/PodDisruptionBudget': 'policy.v1.PodDisruptionBudget',
      'networking.k8s.io/v1/Ingress': 'networking.v1.Ingress',
    };
    return (m: Doc) => {
      const def = byKind[`${m.apiVersion}/${m.kind}`];
      if (!def) return [`no schema for ${m.apiVersion}/${m.kind}`];
      const v = ajv.getSchema(`k8s#/components/schemas/io.k8s.api.${def}`)!;
      return v(m) ? [] : (v.errors ?? []).map((e) => `${m.kind} ${e.instancePath} ${e.message}`);
    };
  }

  it('passes helm lint', () => {
    const r = run('lint', chart, '-f', join(dir, 'values.yaml'));
    expect({ status: r.status, out: r.stdout + r.stderr }).toEqual({ status: 0, out: expect.stringContaining('0 chart(s) failed') });
  });

  it('renders manifests that are valid Kubernetes objects', () => {
    const manifests = render('-f', join(dir, 'values.yaml'));
    expect(manifests.map((m) => m.kind).sort()).toEqual(['Deployment', 'Deployment', 'Ingress', 'Job', 'PodDisruptionBudget', 'Secret', 'Service']);
    const validate = kubernetesValidator();
    expect(manifests.flatMap(validate)).toEqual([]);
  });

  it('the Kubernetes schemas catch a wrong field (so the check above can fail)', () => {
    const [deployment] = render('-f', join(dir, 'values.yaml')).filter((m) => m.kind === 'Deployment');
    deployment.spec.replica = 2;
    deployment.spec.template.spec.containers[0].ports = [{ containerPort: 'http' }];
    expect(kubernetesValidator()(deployment)).toEqual(expect.arrayContaining([expect.stringContaining('/spec must NOT have additional properties'), expect.stringContaining('containerPort must be integer')]));
  });

  it('has replicated workers with resources and a PDB, probes on the API, secrets as files and TLS on the ingress', () => {
    const manifests = render('-f', join(dir, 'values.yaml'), '--set', 'worker.replicas=3');
    const byName = (suffix: string) => manifests.find((m) => m.metadata.name.endsWith(suffix));
    const worker = byName('-worker') && manifests.find((m) => m.kind === 'Deployment' && m.metadata.name.endsWith('-worker'));
    expect(worker.spec.replicas).toBe(3);
    expect(worker.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '1', memory: '1Gi' });
    // Each worker serves its own /metrics (scraped per pod) and /healthz (its liveness probe).
    const wc = worker.spec.template.spec.containers[0];
    expect(wc.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(wc.ports).toEqual([{ name: 'metrics', containerPort: 9464 }]);
    expect(wc.env.find((e: Doc) => e.name === 'OUTBOUND_WORKER_METRICS_ADDRESS').value).toBe('0.0.0.0:9464');
    // V8's old generation bounded well below the memory limit (docs/operations.md, "Memory").
    expect(wc.env.find((e: Doc) => e.name === 'NODE_OPTIONS').value).toBe('--max-old-space-size=256');
    expect(worker.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9464', 'prometheus.io/path': '/metrics' });
    const pdb = manifests.find((m) => m.kind === 'PodDisruptionBudget');
    expect(pdb.spec.selector.matchLabels).toEqual(worker.spec.selector.matchLabels);
    const api = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name.endsWith('-api')).spec.template.spec.containers[0];
    expect(api.readinessProbe.httpGet.path).toBe('/readyz');
    expect(api.livenessProbe.httpGet.path).toBe('/healthz');
    const env = Object.fromEntries(api.env.map((e: Doc) => [e.name, e.value]));
    expect(env).toMatchObject({
      OUTBOUND_STATE_PG_URL_FILE: '/run/secrets/outbound/database-url',
      OUTBOUND_PAYLOAD_KEY_FILE: '/run/secrets/outbound/payload-key',
      OUTBOUND_BOOTSTRAP_ADMIN_KEY_FILE: '/run/secrets/outbound/bootstrap-admin-key',
    });
    expect(api.env.find((e: Doc) => e.name === 'OUTBOUND_SECRET_KEY').valueFrom.secretKeyRef.key).toBe('vault-key');
    const secret = manifests.find((m) => m.kind === 'Secret');
    expect(Object.keys(secret.stringData).sort()).toEqual(['bootstrap-admin-key', 'codec-token', 'database-url', 'payload-key', 'vault-key']);
    expect(manifests.find((m) => m.kind === 'Ingress').spec.tls).toEqual([{ hosts: ['outbound.example.com'], secretName: 'outbound-tls' }]);
    const job = manifests.find((m) => m.kind === 'Job');
    expect(job.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
  });

  it("mounts the configuration's file: secrets apart from the process keys, where the policy confines references", () => {
    const without = render('-f', join(dir, 'values.yaml')).filter((m) => m.kind === 'Deployment');
    for (const d of without) expect(d.spec.template.spec.volumes.map((v: Doc) => v.name)).not.toContain('config-secrets');
    const manifests = render('-f', join(dir, 'values.yaml'), '--set', 'configSecrets.existingSecret=directory-credentials');
    const validate = kubernetesValidator();
    for (const d of manifests.filter((m) => m.kind === 'Deployment')) {
      expect(validate(d)).toEqual([]);
      const pod = d.spec.template.spec;
      const c = pod.containers[0];
      expect(c.env.find((e: Doc) => e.name === 'OUTBOUND_SECRETS_DIR').value).toBe('/run/outbound-config-secrets');
      expect(c.volumeMounts).toContainEqual({ name: 'config-secrets', mountPath: '/run/outbound-config-secrets', readOnly: true });
      expect(pod.volumes).toContainEqual({ name: 'config-secrets', secret: { secretName: 'directory-credentials', defaultMode: 0o440 } });
      // The process keys stay outside it.
      expect(c.volumeMounts.find((m: Doc) => m.name === 'secrets').mountPath.startsWith('/run/outbound-config-secrets')).toBe(false);
    }
  });

  it('refuses to render without the secrets, naming the value', () => {
    const r = run('template', 'outbound', chart);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('secrets.databaseUrl (or secrets.existingSecret) is required');
    expect(render('--set', 'secrets.existingSecret=mine').some((m) => m.kind === 'Secret')).toBe(false);
  });
});
