import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../core/errors';
import {
  auditCommand,
  fileArg,
  organisationOf,
  orgOf,
  outputReport,
  print,
  requesterOption,
  stringOption,
  TABLE_OPTIONS,
  type Command,
} from '../kernel/cli-command';
import { reviewAppendix, reviewReport } from './reports';
import { MAX_REVIEW_FILE_BYTES, readReviewText } from './review-file';
import { REVIEW_KIND_LABELS } from './model';
import { addReview, listReviews } from './reviews';

/** The review's id on the command line: the positional after the command's words. */
const reviewArg = (args: string[]) => {
  if (args.length > 1) throw new AppError('VALIDATION', `Give at most one review id, not "${args.slice(1).join(' ').slice(0, 60)}".`);
  return args[0]?.toLowerCase();
};

export const REVIEW_COMMANDS: Record<string, Command> = {
  'review list': {
    usage: 'review list [--org <id>]   (every review: its id, kind, title, publication date and plan)',
    async run(ctx) {
      const reviews = await listReviews(ctx.store, orgOf(ctx));
      if (reviews.length === 0) print('No reviews yet: review add <file.yaml>');
      for (const r of reviews)
        print(
          `${r.id}  ${REVIEW_KIND_LABELS[r.reviewKind]}, published ${r.published}, ${r.recommendations.length} recommendations, plan "${r.planId}": ${r.title}`,
        );
    },
  },
  'review add': {
    usage:
      'review add <file.yaml|file.json> [--as <email>] [--org <id>]   (records a review; its recommendations become learning points of a plan, each with a 12-month impact check)',
    options: { as: { type: 'string' } },
    async run(ctx) {
      const file = fileArg(ctx, 'review');
      const size = await stat(file).then(
        (s) => s.size,
        () => -1,
      );
      if (size < 0) throw new AppError('VALIDATION', `There is no file ${file}.`);
      if (size > MAX_REVIEW_FILE_BYTES)
        throw new AppError('VALIDATION', `A review file is at most ${MAX_REVIEW_FILE_BYTES / 1024} KB; ${path.basename(file)} is larger.`);
      await organisationOf(ctx);
      const requester = await requesterOption(ctx);
      const data = readReviewText(file, await readFile(file, 'utf8'));
      const result = await addReview({ store: ctx.store, clock: ctx.clock }, { orgId: orgOf(ctx), requester, data, fileName: path.basename(file) });
      auditCommand(ctx, requester, { kind: 'review', id: result.review.id }, { action: 'change' });
      const r = result.review;
      print(`${result.created ? 'Added' : 'Updated'} review "${r.id}": ${r.title}, published ${r.published}.`);
      print(`  ${r.recommendations.length} recommendations in ${r.linesOfEnquiry.length} lines of enquiry; plan "${r.planId}".`);
      if (result.plan) print(`  Actions: created ${result.plan.created}, updated ${result.plan.updated}, unchanged ${result.plan.unchanged}.`);
      else
        print(
          `  Linked to the learning points of plan "${r.planId}" that name it: ${r.recommendations.map((x) => `${x.id} → ${x.learningPoint ? `LP${x.learningPoint}` : 'none yet'}`).join(', ')}.`,
        );
      print(
        `  Impact checks: ${result.checksCreated} new${result.checksMoved ? `, ${result.checksMoved} moved to the file’s date` : ''}; ${r.recommendations.map((x) => `${x.id} on ${x.impactCheck}`).join(', ')}.`,
      );
      for (const w of result.plan?.warnings ?? []) print(`  Warning, action row ${w.rowNumber - 1}: ${w.message}`);
      if (result.plan?.unmatchedLeads.length) print(`  Leads not found in the people directory: ${result.plan.unmatchedLeads.join('; ')}`);
    },
  },
  'review report': {
    usage:
      'review report [<review id>] [--as <email>] [--format csv|xlsx | --out <file>] [--org <id>]   (per review: each recommendation, its actions’ RAG, the impact check’s answer)',
    options: { as: { type: 'string' }, ...TABLE_OPTIONS },
    async run(ctx) {
      const organisation = await organisationOf(ctx);
      const requester = await requesterOption(ctx);
      const reviewId = reviewArg(ctx.args);
      const reports = await reviewReport(
        { store: ctx.store, clock: ctx.clock },
        { orgId: orgOf(ctx), requester, timeZone: organisation.timeZone, ...(reviewId ? { reviewId } : {}) },
      );
      auditCommand(ctx, requester, { kind: 'review-report', id: reviewId ?? 'all' });
      await outputReport(ctx, reports, `review-report${reviewId ? `-${reviewId}` : ''}`);
    },
  },
  'review appendix': {
    usage:
      'review appendix [<review id>] [--as <email>] [--format md|csv|xlsx | --out <file.md|file.csv|file.xlsx>] [--org <id>]   (the annual report appendix: what we learned, what we did, what difference it made)',
    options: { as: { type: 'string' }, ...TABLE_OPTIONS },
    async run(ctx) {
      const organisation = await organisationOf(ctx);
      const requester = await requesterOption(ctx);
      const reviewId = reviewArg(ctx.args);
      const appendix = await reviewAppendix(
        { store: ctx.store, clock: ctx.clock },
        { orgId: orgOf(ctx), requester, timeZone: organisation.timeZone, ...(reviewId ? { reviewId } : {}) },
      );
      auditCommand(ctx, requester, { kind: 'review-appendix', id: reviewId ?? 'all' });
      const format = stringOption(ctx, 'format');
      const out = stringOption(ctx, 'out');
      const markdown = format === 'md' || (!format && (!out || out.toLowerCase().endsWith('.md')));
      if (!markdown) return outputReport(ctx, appendix.table, 'review-appendix');
      if (!out && !format) {
        process.stdout.write(appendix.markdown);
        return;
      }
      const target = path.resolve(out ?? 'review-appendix.md');
      await writeFile(target, appendix.markdown, { mode: 0o600 });
      print(`Annual report appendix: wrote ${appendix.table.rows.length} recommendations to ${target}`);
    },
  },
};
