import { randomInt } from 'node:crypto';
import type { Clock } from '../core/clock';
import { AppError, isAppError } from '../core/errors';
import type { Store } from '../store/ports';
import { MIN_GROUP } from '../core/figures';
import {
  PENDING_BUCKETS,
  PENDING_MAX_BYTES,
  pendingId,
  SHARD_CAPACITY,
  SHARD_MAX_BYTES,
  type AnswerEntry,
  type AnswerShard,
  type Campaign,
  type PendingAnswers,
  type PendingContent,
} from './model';
import { surveys } from './repository';
import type { AnswerSeal } from './seal';
import type { PartnershipSource } from '../organisation/organisations';

/**
 * Where a campaign's answers are kept: the shared shards, and for an anonymous campaign the sealed
 * set waiting to be pooled into them. Campaigns close through here and respondents answer through
 * here; it knows neither.
 */

/**
 * Answering an anonymous campaign also needs the seal for answers waiting to be pooled; a turn
 * hands on its organisation, whose partnership places an answer's author.
 */
export type AnswerDeps = PartnershipSource & { clock: Clock; seal: AnswerSeal };

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
  // More than half a shard's bytes at once is pooled in even parts, each still many answers, so
  // the split below (half a shard moving with the new answers) always fits in one new shard.
  const parts = Math.ceil(jsonBytes(batch) / (SHARD_MAX_BYTES / 2));
  if (parts > 1) {
    const order = shuffled(batch);
    const size = Math.ceil(order.length / parts);
    let replaced = 0;
    for (let i = 0; i < order.length; i += size) replaced += (await putIntoShards(store, campaign, order.slice(i, i + size))).replaced;
    return { replaced };
  }
  return putIntoShards(store, campaign, batch);
}

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
/** Whether `entries` more fit in `shard`, by count and by bytes. */
const hasRoom = (shard: AnswerShard, entries: AnswerEntry[]) =>
  shard.entries.length + entries.length <= SHARD_CAPACITY && jsonBytes(shard) + jsonBytes(entries) <= SHARD_MAX_BYTES;

async function putIntoShards(store: Store, campaign: Campaign, batch: AnswerEntry[]): Promise<{ replaced: number }> {
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
      const roomy = all.filter((s) => hasRoom(s, fresh));
      if (roomy.length > 0) {
        let full = false;
        await col.update(campaign.orgId, roomy[randomInt(roomy.length)]!.id, (s) => {
          full = !hasRoom(s, fresh) || s.entries.some((e) => byKey.has(e.key));
          return full ? undefined : { ...s, entries: fresh.reduce((list, e) => insertAtRandom(list, e), s.entries) };
        });
        if (!full) return { replaced: held.size };
        continue;
      }
      const splitting = all[randomInt(all.length)]!;
      const next = all.length;
      const half = shuffled(splitting.entries.filter(() => randomInt(2) === 1));
      // Long answers: fewer of the old half move, so the new shard stays within its bytes.
      while (half.length > 0 && jsonBytes(half) + jsonBytes(fresh) > SHARD_MAX_BYTES - 1024) half.pop();
      const moved = shuffled([...half, ...fresh]);
      const created = await col.create({
        id: shardId(campaign.id, next),
        orgId: campaign.orgId,
        kind: 'answers',
        campaignId: campaign.id,
        shard: next,
        entries: moved,
      });
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
/** Each bucket is sealed to its own place, so sealed text cannot be moved to another bucket or campaign. */
const sealContext = (campaign: Campaign, bucket: number) => `${campaign.orgId}/${pendingId(campaign.id, bucket)}`;

/** Every waiting answer of the campaign, in all its buckets. */
export async function readPending(deps: AnswerDeps, campaign: Campaign): Promise<PendingContent> {
  const buckets = await readBuckets(deps, campaign);
  return { entries: buckets.flatMap((b) => b.content.entries), moving: buckets.flatMap((b) => b.content.moving) };
}

/** The buckets that exist, each opened (read all at once: they are few and small to find). */
async function readBuckets(deps: AnswerDeps, campaign: Campaign): Promise<{ bucket: number; content: PendingContent }[]> {
  const docs = await Promise.all(
    Array.from({ length: PENDING_BUCKETS }, (_, bucket) => surveys<PendingAnswers>(deps.store).read(campaign.orgId, pendingId(campaign.id, bucket))),
  );
  return docs.flatMap((doc, bucket) => (doc ? [{ bucket, content: deps.seal.open<PendingContent>(doc.sealed, sealContext(campaign, bucket)) }] : []));
}

/** What a bucket's sealed text takes padded (see sealPending): the seal's own bytes, base64. */
const PAD_TO = 4096;
const SEAL_OVERHEAD = 12 + 16;
function sealedBytes(content: PendingContent, entryBytes: number | undefined): number {
  const plain = Math.max(jsonBytes(content), entryBytes ? 200 + (content.entries.length + content.moving.length) * (entryBytes + 1) : 0);
  return Math.ceil((SEAL_OVERHEAD + Math.ceil(plain / PAD_TO) * PAD_TO) / 3) * 4;
}
/** Whether a bucket holding `content` stays within PENDING_MAX_BYTES (with room for the document's other fields). */
export const fitsInBucket = (content: PendingContent, entryBytes: number | undefined) => sealedBytes(content, entryBytes) + 1024 <= PENDING_MAX_BYTES;

/**
 * Seals the waiting set padded to its count of entries at their largest (plus room for the set's
 * own fields), so its size changes only with how many wait, which the "responded" notes say anyway.
 */
const sealPending = (deps: AnswerDeps, campaign: Campaign, bucket: number, content: PendingContent, entryBytes: number | undefined) =>
  deps.seal.seal(content, sealContext(campaign, bucket), entryBytes ? 200 + (content.entries.length + content.moving.length) * (entryBytes + 1) : 0);

/**
 * Changes one sealed bucket of waiting answers (0 unless said) in one etag-checked write (created
 * on first use, with `entryBytes`: see maxEntryBytes).
 */
export async function changePending(
  deps: AnswerDeps,
  campaign: Campaign,
  change: (p: PendingContent) => PendingContent | undefined,
  entryBytes?: number,
  bucket = 0,
  attempts = 20,
): Promise<PendingContent> {
  const col = surveys<PendingAnswers>(deps.store);
  const id = pendingId(campaign.id, bucket);
  const context = sealContext(campaign, bucket);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let result = EMPTY;
    try {
      // One read per attempt (the update's): the set can be large, so no separate look first.
      await col.update(campaign.orgId, id, (doc) => {
        const current = deps.seal.open<PendingContent>(doc.sealed, context);
        const next = change(current);
        result = next ?? current;
        return next && { ...doc, sealed: sealPending(deps, campaign, bucket, next, doc.entryBytes) };
      });
      return result;
    } catch (e) {
      if (isAppError(e, 'NOT_FOUND')) {
        const first = change(EMPTY);
        if (!first) return EMPTY;
        try {
          await col.create({
            id,
            orgId: campaign.orgId,
            kind: 'pending',
            campaignId: campaign.id,
            sealed: sealPending(deps, campaign, bucket, first, entryBytes),
            ...(entryBytes ? { entryBytes } : {}),
          });
          return first;
        } catch (again) {
          if (!isAppError(again, 'ALREADY_EXISTS')) throw again;
          continue;
        }
      }
      // Every answer of a campaign passes through these few documents: under a burst, wait a random moment and go again.
      if (!isAppError(e, 'CONFLICT')) throw e;
      await new Promise((r) => setTimeout(r, randomInt(25 * attempt)));
    }
  }
  throw new AppError('CONFLICT', 'Too many answers are arriving at once; please press Submit again.');
}

/** Tries at one bucket before a new answer goes on to the next in a burst; the last pass takes the full number. */
const TRIES_PER_BUCKET = 3;

/**
 * Adds a new set of answers to the first bucket with room for it, or replaces a set already
 * waiting wherever it waits. `replace` only: a set not waiting is left alone. Returns the bucket
 * it is in, or undefined when it was not there to replace.
 */
/** Where an answer waits; `toPool`: its bucket has enough waiting (or a flush to finish) for a flush to move some. */
export type PendingPut = { bucket: number; replaced: boolean; toPool?: boolean };

export async function putPending(
  deps: AnswerDeps,
  campaign: Campaign,
  entry: AnswerEntry,
  entryBytes: number,
  options: { replaceOnly: boolean },
): Promise<PendingPut | undefined> {
  // Answers one at a time all go to bucket 0 (pooled in tens, as ever); in a burst, an answer that
  // keeps meeting others' writes at one bucket goes on to the next, which spreads the burst.
  const passes = options.replaceOnly ? [20] : [TRIES_PER_BUCKET, 20];
  for (const [pass, attempts] of passes.entries()) {
    for (let bucket = 0; bucket < PENDING_BUCKETS; bucket++) {
      try {
        const put = await putPendingIn(deps, campaign, entry, entryBytes, options, bucket, attempts);
        if (put === 'full' || put === 'absent') continue;
        if (put === 'gone') return undefined;
        return put;
      } catch (e) {
        if (!isAppError(e, 'CONFLICT') || pass === passes.length - 1) throw e;
      }
    }
    if (options.replaceOnly) return undefined;
  }
  // Every bucket full: more than a thousand long answers waiting at once. Nothing was stored.
  throw new AppError('STORE_BUSY', 'So many answers are arriving at once that yours could not be kept: press Submit again in a minute.');
}

async function putPendingIn(
  deps: AnswerDeps,
  campaign: Campaign,
  entry: AnswerEntry,
  entryBytes: number,
  options: { replaceOnly: boolean },
  bucket: number,
  attempts: number,
): Promise<PendingPut | 'full' | 'absent' | 'gone'> {
  let outcome = 'absent' as 'replaced' | 'added' | 'full' | 'absent';
  let toPool = false;
  await changePending(
    deps,
    campaign,
    (p) => {
      const replace = (list: AnswerEntry[]) => list.map((e) => (e.key === entry.key ? entry : e));
      if ([...p.entries, ...p.moving].some((e) => e.key === entry.key)) {
        outcome = 'replaced';
        return { ...p, entries: replace(p.entries), moving: replace(p.moving) };
      }
      if (options.replaceOnly) return ((outcome = 'absent'), undefined);
      const next = { ...p, entries: [...p.entries, entry] };
      if (!fitsInBucket(next, entryBytes)) return ((outcome = 'full'), undefined);
      outcome = 'added';
      toPool = next.entries.length >= POOL_AT || next.moving.length > 0;
      return next;
    },
    entryBytes,
    bucket,
    attempts,
  );
  if (outcome === 'replaced') return { bucket, replaced: true };
  if (outcome === 'added') return { bucket, replaced: false, toPool };
  // A bucket that was never made: later ones are not either, unless a burst made them.
  if (outcome === 'absent' && bucket > 0 && !(await surveys<PendingAnswers>(deps.store).read(campaign.orgId, pendingId(campaign.id, bucket)))) return 'gone';
  return outcome;
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
export async function flushAnswers(deps: AnswerDeps, campaign: Campaign, options: { closing: boolean; bucket?: number }): Promise<{ moved: number }> {
  if (!campaign.anonymous) return { moved: 0 };
  const now = deps.clock.now();
  // Open: the bucket an answer just went to. Closing: every bucket, pooled together as one batch,
  // if together they hold enough (each bucket alone may hold fewer than MIN_GROUP).
  const buckets = options.closing ? await readBuckets(deps, campaign) : [{ bucket: options.bucket ?? 0, content: undefined }];
  const enough = options.closing ? buckets.reduce((n, b) => n + (b.content?.entries.length ?? 0), 0) >= MIN_GROUP : false;
  const claimedBy = new Map<number, AnswerEntry[]>();
  for (const { bucket } of buckets) {
    let claimed: AnswerEntry[] = [];
    await changePending(
      deps,
      campaign,
      (p) => {
        claimed = [];
        if (p.moving.length > 0) {
          // Another flush is under way; one that stopped part-way (a crash) is taken over after a while, or at closing.
          const stale = options.closing || !p.movingSince || now.getTime() - Date.parse(p.movingSince) > FLUSH_LEASE_MS;
          if (!stale) return undefined;
          claimed = p.moving;
          return { ...p, movingSince: now.toISOString() };
        }
        const take = options.closing ? (enough ? p.entries.length : 0) : p.entries.length >= POOL_AT ? p.entries.length - MIN_GROUP : 0;
        if (take === 0) return undefined;
        const order = shuffled(p.entries);
        claimed = order.slice(0, take);
        return { entries: order.slice(take), moving: claimed, movingSince: now.toISOString() };
      },
      undefined,
      bucket,
    );
    if (claimed.length > 0) claimedBy.set(bucket, claimed);
  }
  const claimed = [...claimedBy.values()].flat();
  if (claimed.length === 0) return { moved: 0 };
  await putInShards(deps.store, campaign, claimed);
  // Done with what was written; an answer changed meanwhile stays in `moving` for the next flush.
  const written = new Map(claimed.map((e) => [e.key, JSON.stringify(e)]));
  for (const bucket of claimedBy.keys()) {
    await changePending(
      deps,
      campaign,
      (p) => {
        const moving = p.moving.filter((e) => written.get(e.key) !== JSON.stringify(e));
        return moving.length ? { ...p, moving } : { entries: p.entries, moving };
      },
      undefined,
      bucket,
    );
  }
  return { moved: claimed.length };
}
