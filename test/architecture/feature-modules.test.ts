import { z } from 'zod';
import { OPERATOR } from '../../services/access/policy';
import type { FeatureModule } from '../../services/kernel/module';
import { systemClock } from '../../services/core/clock';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { ensureOrganisation } from '../../services/organisation/organisations';
import { openTestStore } from '../harness/store';

/** A feature as small as the contract allows: one container, one message kind, one report with a parameter. */
const noticeboard: FeatureModule = {
  name: 'noticeboard',
  containers: { noticeboard: { indexed: ['/pinnedOn'] } },
  messages: {
    'noticeboard.pinned': {
      card: (payload) => ({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: String(payload.text) }] }),
      email: (payload, h) => ({ subject: 'Pinned', body: `<p>${h.html(String(payload.text))}</p>` }),
    },
  },
  reports: [
    {
      name: 'pins',
      title: 'Pinned notices',
      description: 'What is pinned',
      params: z.object({ colour: z.enum(['red', 'blue']).optional() }),
      allowed: (actor) => actor.roles.includes('admin'),
      build: async (ctx, _requester, params) => ({
        title: 'Pinned notices',
        headers: ['Colour'],
        rows: [[String(params.colour ?? 'any')]],
        notes: [ctx.organisation.id],
      }),
    },
  ],
};

/** The registry is filled once per process, so each case gets a fresh copy of the kernel (and its own error class: match on codes). */
function freshKernel() {
  let kernel!: {
    registry: typeof import('../../services/kernel/registry');
    reports: typeof import('../../services/kernel/reports');
    containers: typeof import('../../services/store/containers');
    messages: typeof import('../../cards/messages');
    email: typeof import('../../services/reach/email');
  };
  jest.isolateModules(() => {
    // A fresh module registry is reached only through require: imports are hoisted out of it.
    /* eslint-disable @typescript-eslint/no-require-imports */
    kernel = {
      registry: require('../../services/kernel/registry'),
      reports: require('../../services/kernel/reports'),
      containers: require('../../services/store/containers'),
      messages: require('../../cards/messages'),
      email: require('../../services/reach/email'),
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  return kernel;
}

describe('a feature module declares what it offers, and the kernel serves it', () => {
  it('its container is created with the kernel’s and indexed as it says', async () => {
    const k = freshKernel();
    k.registry.registerModules([noticeboard]);
    expect(k.containers.CONTAINER_NAMES).toContain('noticeboard');
    expect(k.containers.containerDefinition('noticeboard' as never).indexingPolicy.includedPaths).toContainEqual({ path: '/pinnedOn/?' });
  });

  it('its message kind renders as a card and as an escaped email', () => {
    const k = freshKernel();
    k.registry.registerModules([noticeboard]);
    const message = { kind: 'feature' as const, type: 'noticeboard.pinned', payload: { text: '<b>Fire drill</b>' } };
    expect(JSON.stringify(k.messages.renderMessage(message))).toContain('<b>Fire drill</b>');
    const email = k.email.renderEmail(message, { teamsChat: 'https://teams.example/chat' });
    expect(email.html).toContain('&lt;b&gt;Fire drill&lt;/b&gt;');
    expect(email.subject).toBe('Pinned');
  });

  it('a message whose module is gone fails alone, with the reason', () => {
    const k = freshKernel();
    k.registry.registerModules([noticeboard]);
    expect(() => k.messages.renderMessage({ kind: 'feature', type: 'gone.away', payload: {} })).toThrow(
      /No feature module renders messages of type "gone.away"/,
    );
  });

  it('a kind the outbox holds under its own name renders by the module that declares it, and by no other', () => {
    const summaryModule = (name: string): FeatureModule => ({
      name,
      storedMessages: {
        'round-summary': {
          card: (m) => ({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: `${name}: ${m.heading}` }] }),
          email: (m, h) => ({ subject: m.heading, body: `<p>${h.html(m.heading)}</p>` }),
        },
      },
    });
    const k = freshKernel();
    k.registry.registerModules([summaryModule('rounds')]);
    const stored = JSON.parse(
      '{"kind":"round-summary","roundId":"r","heading":"Round <1>","dueBy":"2026-12-04","responded":[],"outstanding":[],"unreachable":[],"asAt":"2026-11-23T09:00:00Z"}',
    );
    expect(JSON.stringify(k.messages.renderMessage(stored))).toContain('rounds: Round <1>');
    expect(k.email.renderEmail(stored, { teamsChat: 'https://teams.example/chat' }).html).toContain('<p>Round &lt;1&gt;</p>');
    expect(() => freshKernel().registry.registerModules([summaryModule('rounds'), summaryModule('other')])).toThrow(/"round-summary" is declared twice/);
  });

  it('two modules cannot claim one container, one name or one message type', () => {
    expect(() => freshKernel().registry.registerModules([noticeboard, { ...noticeboard }])).toThrow(/named "noticeboard"/);
    expect(() => freshKernel().registry.registerModules([{ name: 'x', containers: { actions: { indexed: [] } } }])).toThrow(/declared twice/);
    expect(() =>
      freshKernel().registry.registerModules([{ name: 'x', messages: { 'noticeboard.pinned': noticeboard.messages!['noticeboard.pinned']! } }]),
    ).toThrow(/must start with "x."/);
  });

  it('its report runs the same checks on every surface: who may see it, then each parameter', async () => {
    const k = freshKernel();
    k.registry.registerModules([noticeboard]);
    const store = await openTestStore();
    try {
      const organisation = await ensureOrganisation(store, systemClock, 'org-modules', { timeZone: 'Europe/London' });
      const ctx = { store, clock: systemClock, calendar: new WorkingCalendar(), organisation };
      const admin = { id: 'p-admin', roles: ['admin' as const], agency: undefined };
      const officer = { id: 'p-officer', roles: ['officer' as const], agency: undefined };
      expect((await k.reports.runReport(ctx, admin as never, 'pins', { colour: 'red' })).report).toMatchObject({ rows: [['red']], notes: ['org-modules'] });
      expect((await k.reports.runReport(ctx, OPERATOR, 'pins', {})).report).toMatchObject({ rows: [['any']] });
      const refused = await k.reports.runReport(ctx, officer as never, 'pins', {}).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'FORBIDDEN' });
      const invalid = await k.reports.runReport(ctx, admin as never, 'pins', { colour: 'green' }).catch((e: unknown) => e);
      expect(invalid).toMatchObject({ code: 'VALIDATION', fields: [{ field: 'colour' }] });
      const missing = await k.reports.runReport(ctx, admin as never, 'nope', {}).catch((e: unknown) => e);
      expect(missing).toMatchObject({ code: 'NOT_FOUND' });
      expect(k.reports.typedParams(' colour=red  year=2026 ')).toEqual({ colour: 'red', year: '2026' });
      expect(() => k.reports.typedParams('colour')).toThrow(/name=value/);
    } finally {
      await store.close();
    }
  });
});
