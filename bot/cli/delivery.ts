import { AppError } from '../../services/core/errors';
import { deliverySummary } from '../../services/delivery/outbox';
import { reachPeople } from '../../services/reach/reach';
import { reachListReport, reachReport } from '../../services/reach/report';
import { reachFromConfig } from '../../services/reach/setup';
import { OPERATOR } from '../../services/access/policy';
import { auditCommand, deliver, orgOf, outputReport, print, TABLE_OPTIONS, type Command } from '../../services/kernel/cli-command';

export const DELIVERY_COMMANDS: Record<string, Command> = {
  'delivery status': {
    usage: 'delivery status [--org <id>]',
    async run(ctx) {
      const { counts, undelivered } = await deliverySummary(ctx.store, orgOf(ctx));
      print(
        Object.entries(counts)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
      );
      for (const i of undelivered) {
        // The reason in words; an HTTP status only when Teams or Graph answered with one.
        const error = i.lastError;
        print(`  ${i.status.padEnd(11)} ${i.id}: ${error?.message ?? 'no reason recorded'}${error?.status ? ` (HTTP ${error.status})` : ''}`);
      }
    },
  },
  'delivery reach': {
    usage: 'delivery reach [--install] [--format csv|xlsx | --out <file.csv|file.xlsx>] [--org <id>]   (named list: handle as personal data)',
    options: { install: { type: 'boolean' }, ...TABLE_OPTIONS },
    async run(ctx) {
      const orgId = orgOf(ctx);
      if (ctx.options['install']) {
        const reach = reachFromConfig(ctx.config);
        if (!reach)
          throw new AppError(
            'VALIDATION',
            '--install needs TEAMS_CATALOG_APP_ID and the bot’s identity (MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId).',
          );
        const summary = await reachPeople({ store: ctx.store, clock: ctx.clock, ...reach }, orgId);
        print(
          `Installed for ${summary.installed}; already in Teams ${summary.alreadyReachable}; not reachable: ${Object.entries(summary.notReachable)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
        );
        if (summary.permissionMissing) print(`Graph refused the app (${summary.permissionMissing}): administrators have been told what to grant.`);
      }
      await outputReport(ctx, reachListReport(await reachReport(ctx.store, { orgId }, { emailEnabled: !!ctx.config.MAIL_SENDER })), 'reach');
      auditCommand(ctx, OPERATOR, { kind: 'reach-list', id: orgId });
    },
  },
  'delivery send': {
    usage: 'delivery send [--org <id>]   (sends what is due in the outbox now)',
    run: deliver,
  },
};
