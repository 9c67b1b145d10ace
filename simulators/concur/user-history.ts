/**
 * Concur's delete rule: DELETE is a hard delete, "only for users with no transaction history"
 * (digest §3.2; Identity v4.1 documents 400 for DELETE). The simulator marks a user as having
 * history (an expense report, a trip) through `/_sim/users/:id/history`; deleting such a user is
 * refused with 400, as Concur refuses it, and the user stays.
 */
import { ConcurApiError, notFound } from './concur-error';
import type { StoredUser, UserStore } from './user-store';

export const USER_HAS_HISTORY = 'USER_HAS_HISTORY';

export function deleteUser(store: UserStore, user: StoredUser): void {
  if (user.history) {
    const message = 'The user has transaction history and cannot be deleted; deactivate the user instead';
    throw new ConcurApiError(400, message, { scimType: 'mutability', messages: [{ code: USER_HAS_HISTORY, message, type: 'error' }] });
  }
  store.delete(user);
}

/** Marks (or clears) a user's transaction history; throws 404 for an unknown id. */
export function setHistory(store: UserStore, id: string, history: boolean): void {
  const user = store.get(id);
  if (!user) throw notFound(`User ${id}`);
  user.history = history;
  store.generation++;
}
