import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { Clock } from '../core/clock';
import { AppError, isAppError } from '../core/errors';
import type { DomainEventPublisher } from '../events/domain-events';
import type { Doc, Store, Stored } from '../store/ports';
import { isEntraId } from '../people/model';
import { agencyDocId, type Agency } from './model';
import { ensureOrganisation } from './organisations';
import { Agencies, Organisations } from './repository';
import { Directory } from '../people/repository';

/**
 * The partnership's member agencies. The organisation (the store's partition) is the partnership;
 * each agency has a name, its Entra tenants, and its own people, whose `agency` holds its id.
 */

/** An agency's id from its name: lower-case words joined by -, accents dropped ("St Mary’s Trust" → st-marys-trust). */
export function agencySlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

const tenantId = z
  .string()
  .trim()
  .refine(isEntraId, 'is not an Entra tenant id (a GUID such as 11111111-2222-3333-4444-555555555555)')
  .transform((v) => v.toLowerCase());
const agencyName = z.string().trim().min(2, 'needs at least 2 characters').max(120, 'is longer than 120 characters');

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError('VALIDATION', `${what} "${String(value)}" ${parsed.error.issues.map((i) => i.message).join('; ')}.`);
  return parsed.data;
}

/** Refuses a tenant that another agency already has: a tenant must map to exactly one agency. */
async function checkTenantsFree(repo: Agencies, orgId: string, agencyId: string, tenants: string[]): Promise<void> {
  for (const tenant of tenants) {
    const owner = await repo.byTenant(orgId, tenant);
    if (owner && owner.agencyId !== agencyId)
      throw new AppError('TENANT_TAKEN', `Tenant ${tenant} already belongs to the agency "${owner.name}" (${owner.agencyId}).`);
  }
}

export type AgencyDefaults = { timeZone: string };

/**
 * Adds an agency; the first one added becomes the partnership's lead agency, and `events` hears
 * LeadAgencyChosen (training records take the lead agency then, as the people already did).
 */
export async function addAgency(
  store: Store,
  clock: Clock,
  orgId: string,
  input: { name: string; tenantIds?: string[] },
  defaults: AgencyDefaults,
  events: DomainEventPublisher,
): Promise<{ agency: Stored<Agency>; lead: boolean }> {
  const name = parse(agencyName, input.name, 'The agency name');
  const tenants = [...new Set((input.tenantIds ?? []).map((t) => parse(tenantId, t, 'The tenant')))];
  const agencyId = agencySlug(name);
  if (!agencyId) throw new AppError('VALIDATION', `The agency name "${name}" needs some letters or digits.`);
  const repo = new Agencies(store);
  await checkTenantsFree(repo, orgId, agencyId, tenants);
  let agency: Stored<Agency>;
  try {
    agency = await repo.create({ id: agencyDocId(agencyId), orgId, kind: 'agency', agencyId, name, tenantIds: tenants, createdAt: clock.now().toISOString() });
  } catch (e) {
    if (isAppError(e, 'ALREADY_EXISTS'))
      throw new AppError('ALREADY_EXISTS', `There is already an agency with the id "${agencyId}". Use agency set to change it.`);
    throw e;
  }
  const org = await ensureOrganisation(store, clock, orgId, defaults);
  let lead = org.leadAgencyId === agencyId;
  if (!org.leadAgencyId) {
    const updated = await new Organisations(store).update(orgId, (o) => (o.leadAgencyId ? undefined : { ...o, leadAgencyId: agencyId }));
    lead = updated.leadAgencyId === agencyId;
    // Everyone already in the directory is the lead agency's from now on, recorded as such.
    if (lead) {
      await assignUnassignedToLead(store, orgId, agencyId);
      await events.publish({ type: 'LeadAgencyChosen', orgId, agencyId }, { store, clock, organisation: updated });
    }
  }
  return { agency, lead };
}

export type AgencyChange = { name?: string; addTenantIds?: string[]; removeTenantIds?: string[]; lead?: boolean };

/** Renames an agency, adds or removes its tenants, or makes it the lead agency. Its id never changes (people hold it). */
export async function setAgency(
  store: Store,
  clock: Clock,
  orgId: string,
  agencyId: string,
  change: AgencyChange,
  defaults: AgencyDefaults,
): Promise<Stored<Agency>> {
  const repo = new Agencies(store);
  if (!(await repo.read(orgId, agencyId))) throw new AppError('NOT_FOUND', `There is no agency "${agencyId}". npm run cli -- agency list shows them.`);
  const name = change.name === undefined ? undefined : parse(agencyName, change.name, 'The agency name');
  const add = (change.addTenantIds ?? []).map((t) => parse(tenantId, t, 'The tenant'));
  const remove = (change.removeTenantIds ?? []).map((t) => parse(tenantId, t, 'The tenant'));
  await checkTenantsFree(repo, orgId, agencyId, add);
  const updated = await repo.update(orgId, agencyId, (a) => ({
    ...a,
    ...(name ? { name } : {}),
    tenantIds: [...new Set([...a.tenantIds.filter((t) => !remove.includes(t)), ...add])],
  }));
  if (change.lead) {
    await ensureOrganisation(store, clock, orgId, defaults);
    await new Organisations(store).update(orgId, (o) => ({ ...o, leadAgencyId: agencyId }));
  }
  return updated;
}

export function listAgencies(store: Store, orgId: string): Promise<Stored<Agency>[]> {
  return new Agencies(store).all(orgId);
}

export async function requireAgency(store: Store, orgId: string, agencyId: string): Promise<Stored<Agency>> {
  const agency = await new Agencies(store).read(orgId, agencyId);
  if (!agency) throw new AppError('NOT_FOUND', `There is no agency "${agencyId}". npm run cli -- agency list shows them.`);
  return agency;
}

/**
 * Whether a request from `tenant` may use the app: it is in ALLOWED_TENANT_IDS (kept for
 * deployments set up before agencies) or it is one of an agency's tenants. With neither list
 * set (local mode only; production requires one), every tenant is allowed, as before agencies.
 */
export async function isTenantAllowed(store: Store, orgId: string, configured: readonly string[], tenant: string | undefined): Promise<boolean> {
  const id = (tenant ?? '').toLowerCase();
  if (id && configured.some((t) => t.toLowerCase() === id)) return true;
  if (id && (await new Agencies(store).byTenant(orgId, id))) return true;
  if (configured.length > 0) return false;
  // Nothing configured: open only while no agency names a tenant either.
  return (await new Agencies(store).all(orgId)).every((a) => a.tenantIds.length === 0);
}

/** How long a tenant found allowed is remembered: as long as the bot remembers a person's roles. */
const ALLOWED_FOR_MS = 30_000;

/**
 * The tenant check every bot activity and tab request passes, made once per process: a tenant
 * found allowed is remembered for 30 s, so a request costs no store read (an agency's tenant
 * removed takes up to 30 s to be refused, as a role removed does); a refusal is checked afresh
 * each time, so a tenant just added works at once.
 */
export function tenantGate(store: Store, orgId: string, configured: readonly string[]): (tenant: string | undefined) => Promise<boolean> {
  const allowed = new LRUCache<string, true>({ max: 1000, ttl: ALLOWED_FOR_MS });
  return async (tenant) => {
    const key = (tenant ?? '').toLowerCase();
    if (allowed.has(key)) return true;
    const ok = await isTenantAllowed(store, orgId, configured, tenant);
    if (ok) allowed.set(key, true);
    return ok;
  };
}

/**
 * When the first agency of an organisation becomes its lead, everyone with no agency joins it, so
 * every person of a partnership names its agency and reads can filter on it in the store.
 */
async function assignUnassignedToLead(store: Store, orgId: string, leadId: string): Promise<number> {
  let changed = 0;
  const directory = new Directory(store);
  for (const person of await directory.all({ orgId })) {
    if (person.agency) continue;
    await directory.save({ ...withoutSystemFields(person), agency: leadId });
    changed++;
  }
  return changed;
}

/** A stored document without the store's own fields, to write back. */
function withoutSystemFields<T extends Doc>(doc: T): T {
  const { _etag, _rid, _self, _ts, _attachments, ...plain } = doc as T & Record<string, unknown>;
  return plain as unknown as T;
}
