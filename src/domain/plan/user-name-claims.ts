/**
 * Two entries of one channel that map to the same userName (two people sharing a mail) cannot
 * both have a Concur account: userName is unique in Concur. Detected while planning, so no create
 * bound to collide is sent. Rule (stable: it never flips between cycles):
 *   1. an entry already linked to a Concur account keeps it;
 *   2. otherwise the entry whose GUID sorts first (plain string order) gets it.
 * The others fail alone with a conflict naming `userName`, never its value. Pure.
 */
export interface UserNameClaim {
  guid: string;
  /** A value-free key of the lower-cased userName (a hash), never the userName itself. */
  key: string;
  /** Already linked to a Concur account (active or disabled). */
  linked: boolean;
}

export const USERNAME_CLAIM_CONFLICT = 'userName: another entry of this channel maps to the same userName and keeps the Concur account; not created';

/** GUIDs that lose their claim (each to be failed with USERNAME_CLAIM_CONFLICT). */
export function losingClaims(claims: Iterable<UserNameClaim>): Set<string> {
  const byKey = new Map<string, UserNameClaim[]>();
  for (const c of claims) {
    const list = byKey.get(c.key);
    if (list) list.push(c);
    else byKey.set(c.key, [c]);
  }
  const losers = new Set<string>();
  for (const list of byKey.values()) {
    if (list.length < 2) continue;
    const winner = list.reduce((best, c) => (c.linked !== best.linked ? (c.linked ? c : best) : c.guid < best.guid ? c : best));
    for (const c of list) if (c !== winner && !c.linked) losers.add(c.guid);
  }
  return losers;
}
