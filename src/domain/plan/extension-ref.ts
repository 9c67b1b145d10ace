/**
 * The reference an extension (UPS) operation carries back to its plan item: `<cycleId>.<seq>`,
 * ids only. Built when a batch submits, parsed when the cycle checks the provision.
 */
export function extensionRef(cycleId: number, seq: number): string {
  return `${cycleId}.${seq}`;
}

/** The plan item a reference names, or undefined when it is not one of ours. */
export function parseExtensionRef(ref: string): { cycleId: number; seq: number } | undefined {
  const [cycleId, seq, ...rest] = ref.split('.').map(Number);
  return rest.length === 0 && Number.isInteger(cycleId) && Number.isInteger(seq) ? { cycleId, seq } : undefined;
}
