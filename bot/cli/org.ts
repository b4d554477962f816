import { updateOrganisationSettings } from '../../services/organisation/settings';
import type { Organisation } from '../../services/organisation/model';
import { OPERATOR } from '../../services/access/policy';
import { auditCommand, fileArg, orgOf, organisationOf, print, readJson, type Command } from '../../services/kernel/cli-command';

export const ORG_COMMANDS: Record<string, Command> = {
  'org show': {
    usage: 'org show [--org <id>]   (the organisation’s settings, as JSON)',
    async run(ctx) {
      const org = await organisationOf(ctx);
      const { _etag, _rid, _self, _ts, _attachments, ...settings } = org as Organisation & Record<string, unknown>;
      print(JSON.stringify(settings, null, 2));
    },
  },
  'org set': {
    usage: 'org set <settings.json> [--org <id>]   (name, timeZone, reminderPolicy, escalationRules, escalationLadder, caseReferencePattern)',
    async run(ctx) {
      const input = await readJson(fileArg(ctx, 'settings'));
      const org = await updateOrganisationSettings(ctx.store, ctx.clock, orgOf(ctx), input, { timeZone: ctx.config.DEFAULT_TIME_ZONE });
      auditCommand(
        ctx,
        OPERATOR,
        { kind: 'organisation-settings', id: org.orgId },
        {
          action: 'change',
          detail: `set ${Object.keys(input as object)
            .sort()
            .join(', ')}`,
        },
      );
      print(`Updated the settings of "${org.orgId}".`);
    },
  },
};
