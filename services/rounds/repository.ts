import { isAppError } from '../core/errors';
import { toArray, type Collection, type Store, type Stored } from '../store/ports';
import type { RoundChange, UpdateRound } from './model';

const changeId = (roundId: string) => `${roundId}-changed`;

/** Update rounds as stored: the only code that knows their container and queries. */
export class UpdateRounds {
  private readonly docs: Collection<UpdateRound>;
  private readonly changes: Collection<RoundChange>;

  constructor(store: Store) {
    this.docs = store.collection<UpdateRound>('rounds');
    this.changes = store.collection<RoundChange>('rounds');
  }

  open(orgId: string): Promise<Stored<UpdateRound>[]> {
    return toArray(
      this.docs.query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'update-round' AND c.status = 'open'",
        parameters: [{ name: '@orgId', value: orgId }],
      }),
    );
  }

  /** The open rounds and the ids of rounds with a change not yet summarised: the upkeep's one query a minute. */
  async openAndChanged(orgId: string): Promise<{ open: Stored<UpdateRound>[]; changed: Set<string> }> {
    const docs = await toArray(
      this.docs.query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND ((c.kind = 'update-round' AND c.status = 'open') OR c.kind = 'round-change')",
        parameters: [{ name: '@orgId', value: orgId }],
      }),
    );
    const changed = new Set(docs.flatMap((d) => ((d as unknown as RoundChange).kind === 'round-change' ? [(d as unknown as RoundChange).roundId] : [])));
    return { open: docs.filter((d) => d.kind === 'update-round'), changed };
  }

  /** Notes a change to `roundId`'s summary: one write, or none when a change is already waiting. */
  async noteChange(orgId: string, roundId: string, at: string): Promise<void> {
    try {
      await this.changes.create({ id: changeId(roundId), orgId, kind: 'round-change', roundId, at });
    } catch (e) {
      if (!isAppError(e, 'ALREADY_EXISTS')) throw e;
    }
  }

  /** Taken before a refresh, so a change noted while it runs is left for the next one. */
  clearChange(orgId: string, roundId: string): Promise<void> {
    return this.changes.delete(orgId, changeId(roundId));
  }

  read(orgId: string, id: string): Promise<Stored<UpdateRound> | undefined> {
    return this.docs.read(orgId, id);
  }

  create(round: UpdateRound): Promise<Stored<UpdateRound>> {
    return this.docs.create(round);
  }

  update(
    orgId: string,
    id: string,
    change: (current: Stored<UpdateRound>) => UpdateRound | undefined,
    current?: Stored<UpdateRound>,
  ): Promise<Stored<UpdateRound>> {
    return this.docs.update(orgId, id, change, current);
  }
}
