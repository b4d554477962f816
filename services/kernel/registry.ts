import { AppError } from '../core/errors';
import { registerContainers } from '../store/containers';
import { registerMessageKind, registerStoredKind, type StoredKind } from './message-kinds';
import type { ErasureContributor, FeatureModule, ReportDefinition, SubjectAccessContributor } from './module';

/**
 * The feature modules of this process, registered once by the composition root (bot/modules.ts)
 * before anything runs. The kernel reads it where it cannot import features: the store's set-up
 * (containers), the message renderers (feature message kinds) and the event bus.
 */
let modules: readonly FeatureModule[] = [];
let registered = false;

export function registerModules(list: readonly FeatureModule[]): void {
  if (registered) throw new Error('Feature modules are registered once, by the composition root.');
  const names = new Set<string>();
  for (const m of list) {
    if (names.has(m.name)) throw new Error(`Two feature modules are named "${m.name}".`);
    names.add(m.name);
    if (m.containers) registerContainers(m.containers);
    for (const [type, kind] of Object.entries(m.messages ?? {})) {
      if (!type.startsWith(`${m.name}.`)) throw new Error(`Message type "${type}" of module "${m.name}" must start with "${m.name}.".`);
      registerMessageKind(type, kind);
    }
    // Each renderer was typed against its own kind's message; the outbox hands it exactly that kind.
    for (const [kind, renderers] of Object.entries(m.storedMessages ?? {})) registerStoredKind(kind, renderers as unknown as StoredKind);
  }
  modules = list;
  registered = true;
}

/**
 * The registered modules. Asking before the composition root has registered them is a wiring
 * mistake (an event bus built so would silently lack the features' handlers), so it fails loudly.
 */
export function registeredModules(): readonly FeatureModule[] {
  if (!registered) throw new Error('Feature modules are not registered yet: import bot/modules.ts (the composition root) first.');
  return modules;
}

export const moduleReports = (): ReportDefinition[] => modules.flatMap((m) => m.reports ?? []);

export function moduleReport(name: string): ReportDefinition {
  const report = moduleReports().find((r) => r.name === name);
  if (!report)
    throw new AppError(
      'NOT_FOUND',
      `There is no report "${name.slice(0, 40)}". Reports: ${
        moduleReports()
          .map((r) => r.name)
          .join(', ') || 'none'
      }.`,
    );
  return report;
}

/** Each module's part of a subject access export, with the module's name, in the modules' order. */
export const subjectAccessContributors = (): { module: string; contribute: SubjectAccessContributor }[] =>
  registeredModules().flatMap((m) => (m.subjectAccess ? [{ module: m.name, contribute: m.subjectAccess }] : []));

/** Each module's part of erasing a leaver, with the module's name, in the modules' order. */
export const erasureContributors = (): { module: string; contribute: ErasureContributor }[] =>
  registeredModules().flatMap((m) => (m.erasure ? [{ module: m.name, contribute: m.erasure }] : []));
