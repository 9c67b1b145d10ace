/**
 * The Concur connection template (PingFederate's "Use a template for this connection": Concur):
 * the defaults a new connection starts from. What the caller sends wins.
 */
export const CONCUR_TEMPLATE_DEFAULTS = {
  name: 'SAP Concur',
  baseUrl: 'https://us2.api.concursolutions.com',
  connectionType: { outboundProvisioning: true, browserSso: false },
  requiredFields: [] as string[],
  timeoutMs: 30000,
  maxConnections: 16,
};

export function fromConcurTemplate(body: Record<string, unknown>): Record<string, unknown> {
  if (body.template !== 'concur') return body;
  return { ...structuredClone(CONCUR_TEMPLATE_DEFAULTS), ...body };
}
