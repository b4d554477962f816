import type { Clock } from '../core/clock';
import type { Organisation } from './model';
import type { Store } from '../store/ports';
import { isAppError } from '../core/errors';
import { Organisations } from './repository';

/** The organisation document, created with defaults the first time anything touches the org. */
export async function ensureOrganisation(store: Store, clock: Clock, orgId: string, defaults: { name?: string; timeZone: string }): Promise<Organisation> {
  const orgs = new Organisations(store);
  const existing = await orgs.read(orgId);
  if (existing) return existing;
  try {
    return await orgs.create({ id: orgId, orgId, name: defaults.name ?? orgId, timeZone: defaults.timeZone, createdAt: clock.now().toISOString() });
  } catch (e) {
    if (!isAppError(e, 'ALREADY_EXISTS')) throw e;
    return (await orgs.read(orgId))!;
  }
}

/** The partnership an organisation is: its id and lead agency (none before any agency exists). One point read. */
export async function partnershipOf(store: Store, orgId: string): Promise<Pick<Organisation, 'orgId' | 'leadAgencyId'>> {
  const org = await new Organisations(store).read(orgId);
  return org?.leadAgencyId ? { orgId, leadAgencyId: org.leadAgencyId } : { orgId };
}

/** What a use case needs to know the partnership: the store, and the organisation when its caller's context holds it. */
export type PartnershipSource = { store: Store; organisation?: Pick<Organisation, 'orgId' | 'leadAgencyId'> };

/**
 * The partnership `orgId` is, taken from the caller's context when it holds that organisation (the
 * route, job and tab contexts read it once for their turn, run or request); otherwise one point read.
 */
export function partnershipFor(deps: PartnershipSource, orgId: string): Promise<Pick<Organisation, 'orgId' | 'leadAgencyId'>> {
  return deps.organisation?.orgId === orgId ? Promise.resolve(deps.organisation) : partnershipOf(deps.store, orgId);
}
