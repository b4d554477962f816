import type { OutboundMessage } from '../delivery/messages';
import { DeliveryFailure, type Mailer } from '../delivery/ports';
import { renderEmail, type EmailLinks } from './email';
import { GraphFailure, type GraphGateway } from './graph';

/** Email through Graph sendMail from the shared mailbox; Graph's refusals become the outbox's DeliveryFailures. */
export class GraphMailer implements Mailer {
  constructor(
    private readonly graph: GraphGateway,
    private readonly mailbox: string,
    private readonly links: EmailLinks,
  ) {}

  async send(to: { address: string; name: string }, message: OutboundMessage): Promise<void> {
    const { subject, html } = renderEmail(message, this.links);
    try {
      await this.graph.sendMail(this.mailbox, { to, subject, html });
    } catch (e) {
      if (e instanceof GraphFailure) throw new DeliveryFailure(e.status, `email: ${e.code}: ${e.message}`);
      throw new DeliveryFailure(0, `email: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
