import { deliveryStatus } from '../../services/delivery/outbox';
import { deliver, orgOf, print, type Command } from './command';

export const DELIVERY_COMMANDS: Record<string, Command> = {
  'delivery status': {
    usage: 'delivery status [--org <id>]',
    async run(ctx) {
      const { counts, items } = await deliveryStatus(ctx.store, orgOf(ctx));
      print(Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', '));
      for (const i of items.filter((x) => x.status === 'failed' || x.status === 'unreachable')) {
        print(`  ${i.status.padEnd(11)} ${i.id} (${i.lastError?.status ?? ''} ${i.lastError?.message ?? ''})`);
      }
    },
  },
  'delivery send': {
    usage: 'delivery send [--org <id>]   (sends what is due in the outbox now)',
    run: deliver,
  },
};
