/**
 * PingFederate's "Provisioning options": which kinds of write a channel may make. With one off,
 * the engine plans the write as usual, then holds it back (a warning in the audit trail and a
 * count on the cycle) instead of sending it. This is how Outbound runs read-only beside
 * PingFederate during a cut-over. Pure.
 */
import type { PlannedAction } from './plan-user';

export interface ProvisioningOptions {
  userCreate: boolean;
  userUpdate: boolean;
  userDisableDelete: boolean;
}

/** The option that governs an action. Re-enabling a user is an update (PingFederate's rule). */
export function governingOption(action: PlannedAction): keyof ProvisioningOptions {
  switch (action) {
    case 'create':
      return 'userCreate';
    case 'update':
    case 'reactivate':
      return 'userUpdate';
    case 'disable':
    case 'delete':
      return 'userDisableDelete';
  }
}

/** Why the action may not be sent (the option that is off), or undefined when it may. */
export function heldBackReason(action: PlannedAction, options: ProvisioningOptions): string | undefined {
  const option = governingOption(action);
  return options[option] ? undefined : `held back: ${option} is off`;
}
