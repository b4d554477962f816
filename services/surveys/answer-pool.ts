import { randomInt } from 'node:crypto';
import type { Clock } from '../core/clock';
import { AppError, isAppError } from '../core/errors';
import type { Store } from '../store/ports';
import { MIN_GROUP } from '../core/figures';
import { pendingId, SHARD_CAPACITY, type AnswerEntry, type AnswerShard, type Campaign, type PendingAnswers, type PendingContent } from './model';
import { surveys } from './questionnaires';
import type { AnswerSeal } from './seal';

/**
 * Where a campaign's answers are kept: the shared shards, and for an anonymous campaign the sealed
 * set waiting to be pooled into them. Campaigns close through here and respondents answer through
 * here; it knows neither.
 */

/** Answering an anonymous campaign also needs the seal for answers waiting to be pooled. */
export type AnswerDeps = { store: Store; clock: Clock; seal: AnswerSeal };

const shardId = (campaignId: string, n: number) => `answers-${campaignId}-${n}`;

/** The campaign's answer shards, read four at a time (a large campaign has a handful). */
async function shards(store: Store, campaign: Campaign): Promise<AnswerShard[]> {
  const found: AnswerShard[] = [];
  for (let n = 0; ; n += 4) {
    const batch = await Promise.all([0, 1, 2, 3].map((i) => surveys<AnswerShard>(store).read(campaign.orgId, shardId(campaign.id, n + i))));
    for (const shard of batch) {
      if (!shard) return found;
      found.push(shard);
    }
  }
}

/**
 * Every set of answers pooled into the shards, once each (an entry caught mid-move between shards
 * counts once). Anonymous answers still waiting to be pooled are not among them: results only ever
 * see answers that arrived in batches.
 */
export async function answersOf(store: Store, campaign: Campaign): Promise<AnswerEntry[]> {
  const byKey = new Map<string, AnswerEntry>();
  for (const shard of await shards(store, campaign)) for (const e of shard.entries) byKey.set(e.key, e);
  return [...byKey.values()];
}

const insertAtRandom = <T>(list: T[], item: T): T[] => {
  const at = randomInt(list.length + 1);
  return [...list.slice(0, at), item, ...list.slice(at)];
};
const shuffled = <T>(list: T[]): T[] => list.reduce<T[]>((out, item) => insertAtRandom(out, item), []);

/**
 * Puts answers into the shards in one write where it can: an answer already there is replaced
 * where it is; new ones go to random places in one random shard with room for all of them; when no
 * shard has room, a random half of one moves with them to a new shard, so no shard ever holds a
 * lone answer whose write time would give it away.
 */
export async function putInShards(store: Store, campaign: Campaign, batch: AnswerEntry[]): Promise<{ replaced: number }> {
  const col = surveys<AnswerShard>(store);
  for (let attempt = 1; attempt <= 10; attempt++) {
    const all = await shards(store, campaign);
    const byKey = new Map(batch.map((e) => [e.key, e]));
    const held = new Set(all.flatMap((s) => s.entries.filter((e) => byKey.has(e.key)).map((e) => e.key)));
    const fresh = batch.filter((e) => !held.has(e.key));
    try {
      // Mid-split an answer can be in two shards for a moment: both copies get the new answers.
      for (const shard of all.filter((s) => s.entries.some((e) => held.has(e.key)))) {
        await col.update(campaign.orgId, shard.id, (s) => ({ ...s, entries: s.entries.map((e) => byKey.get(e.key) ?? e) }));
      }
      if (fresh.length === 0) return { replaced: held.size };
      if (all.length === 0) {
        await col.create({ id: shardId(campaign.id, 0), orgId: campaign.orgId, kind: 'answers', campaignId: campaign.id, shard: 0, entries: shuffled(fresh) });
        return { replaced: held.size };
      }
      const roomy = all.filter((s) => s.entries.length + fresh.length <= SHARD_CAPACITY);
      if (roomy.length > 0) {
        let full = false;
        await col.update(campaign.orgId, roomy[randomInt(roomy.length)]!.id, (s) => {
          full = s.entries.length + fresh.length > SHARD_CAPACITY || s.entries.some((e) => byKey.has(e.key));
          return full ? undefined : { ...s, entries: fresh.reduce((list, e) => insertAtRandom(list, e), s.entries) };
        });
        if (!full) return { replaced: held.size };
        continue;
      }
      const splitting = all[randomInt(all.length)]!;
      const next = all.length;
      const moved = shuffled([...splitting.entries.filter(() => randomInt(2) === 1), ...fresh]);
      const created = await col.create({ id: shardId(campaign.id, next), orgId: campaign.orgId, kind: 'answers', campaignId: campaign.id, shard: next, entries: moved });
      // Remove what moved from the old shard, except answers changed meanwhile: those stay there,
      // and the moved copy (now out of date) is dropped instead.
      const movedAs = new Map(moved.map((e) => [e.key, JSON.stringify(e)]));
      const changed = new Set<string>();
      await col.update(campaign.orgId, splitting.id, (s) => {
        changed.clear();
        return {
          ...s,
          entries: s.entries.filter((e) => {
            const was = movedAs.get(e.key);
            if (was === undefined) return true;
            if (was === JSON.stringify(e)) return false;
            changed.add(e.key);
            return true;
          }),
        };
      });
      if (changed.size > 0) await col.update(campaign.orgId, created.id, (s) => ({ ...s, entries: s.entries.filter((e) => !changed.has(e.key)) }));
      return { replaced: held.size };
    } catch (e) {
      // Someone else created that shard first, or many answers arrived at once: look again shortly.
      if (!isAppError(e, 'ALREADY_EXISTS') && !isAppError(e, 'CONFLICT')) throw e;
      await new Promise((r) => setTimeout(r, randomInt(20 * attempt)));
    }
  }
  throw new AppError('CONFLICT', 'Too many answers are arriving at once; please press Submit again.');
}

const EMPTY: PendingContent = { entries: [], moving: [] };
const sealContext = (campaign: Campaign) => `${campaign.orgId}/${pendingId(campaign.id)}`;

export async function readPending(deps: AnswerDeps, campaign: Campaign): Promise<PendingContent> {
  const doc = await surveys<PendingAnswers>(deps.store).read(campaign.orgId, pendingId(campaign.id));
  return doc ? deps.seal.open<PendingContent>(doc.sealed, sealContext(campaign)) : EMPTY;
}

/**
 * Seals the waiting set padded to its count of entries at their largest (plus room for the set's
 * own fields), so its size changes only with how many wait, which the "responded" notes say anyway.
 */
const sealPending = (deps: AnswerDeps, campaign: Campaign, content: PendingContent, entryBytes: number | undefined) =>
  deps.seal.seal(content, sealContext(campaign), entryBytes ? 200 + (content.entries.length + content.moving.length) * (entryBytes + 1) : 0);

/**
 * Changes the sealed pending set in one etag-checked write (created on first use, with
 * `entryBytes`: see maxEntryBytes).
 */
export async function changePending(deps: AnswerDeps, campaign: Campaign, change: (p: PendingContent) => PendingContent | undefined, entryBytes?: number): Promise<PendingContent> {
  const col = surveys<PendingAnswers>(deps.store);
  const context = sealContext(campaign);
  for (let attempt = 1; attempt <= 20; attempt++) {
    if (!(await col.read(campaign.orgId, pendingId(campaign.id)))) {
      const first = change(EMPTY);
      if (!first) return EMPTY;
      try {
        await col.create({ id: pendingId(campaign.id), orgId: campaign.orgId, kind: 'pending', campaignId: campaign.id, sealed: sealPending(deps, campaign, first, entryBytes), ...(entryBytes ? { entryBytes } : {}) });
        return first;
      } catch (e) {
        if (!isAppError(e, 'ALREADY_EXISTS')) throw e;
        continue;
      }
    }
    let result = EMPTY;
    try {
      await col.update(campaign.orgId, pendingId(campaign.id), (doc) => {
        const current = deps.seal.open<PendingContent>(doc.sealed, context);
        const next = change(current);
        result = next ?? current;
        return next && { ...doc, sealed: sealPending(deps, campaign, next, doc.entryBytes) };
      });
      return result;
    } catch (e) {
      // Every answer of a campaign passes through this one document: under a burst, wait a random moment and go again.
      if (!isAppError(e, 'CONFLICT')) throw e;
      await new Promise((r) => setTimeout(r, randomInt(25 * attempt)));
    }
  }
  throw new AppError('CONFLICT', 'Too many answers are arriving at once; please press Submit again.');
}

/** Pooling: wait for this many anonymous answers, then move all but MIN_GROUP of them (picked at random). */
export const POOL_AT = 2 * MIN_GROUP;
/** A flush that has not finished in this long is taken to have stopped, and the next one finishes it. */
const FLUSH_LEASE_MS = 60_000;

/**
 * Moves waiting anonymous answers into the shards, in a batch that cannot be paired with people:
 * while open, only once 10 are waiting, and then a random selection of all but 5, so each moved
 * answer could be any of at least 10 people's and at least 5 always stay behind; at closing,
 * everything if at least 5 are waiting (fewer can only mean the whole campaign had fewer than 5
 * answers, which no result would show: they stay sealed). A flush cut off part-way is finished by
 * the next one.
 */
export async function flushAnswers(deps: AnswerDeps, campaign: Campaign, options: { closing: boolean }): Promise<{ moved: number }> {
  if (!campaign.anonymous) return { moved: 0 };
  const now = deps.clock.now();
  let claimed: AnswerEntry[] = [];
  await changePending(deps, campaign, (p) => {
    claimed = [];
    if (p.moving.length > 0) {
      // Another flush is under way; one that stopped part-way (a crash) is taken over after a while, or at closing.
      const stale = options.closing || !p.movingSince || now.getTime() - Date.parse(p.movingSince) > FLUSH_LEASE_MS;
      if (!stale) return undefined;
      claimed = p.moving;
      return { ...p, movingSince: now.toISOString() };
    }
    const take = options.closing ? (p.entries.length >= MIN_GROUP ? p.entries.length : 0) : p.entries.length >= POOL_AT ? p.entries.length - MIN_GROUP : 0;
    if (take === 0) return undefined;
    const order = shuffled(p.entries);
    claimed = order.slice(0, take);
    return { entries: order.slice(take), moving: claimed, movingSince: now.toISOString() };
  });
  if (claimed.length === 0) return { moved: 0 };
  await putInShards(deps.store, campaign, claimed);
  // Done with what was written; an answer changed meanwhile stays in `moving` for the next flush.
  const written = new Map(claimed.map((e) => [e.key, JSON.stringify(e)]));
  await changePending(deps, campaign, (p) => {
    const moving = p.moving.filter((e) => written.get(e.key) !== JSON.stringify(e));
    return moving.length ? { ...p, moving } : { entries: p.entries, moving };
  });
  return { moved: claimed.length };
}
