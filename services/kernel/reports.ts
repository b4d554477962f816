import { allows, type Requester } from '../access/policy';
import { AppError } from '../core/errors';
import type { Report } from '../core/report';
import type { ReportContext, ReportDefinition } from './module';
import { moduleReport } from './registry';

/** Report parameters as typed (`name=value` in Teams, the query string in the tab): names are short words. */
const PARAM_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * Runs a feature's report for someone, the same way on every surface: the parameters are checked
 * by the report's schema (each problem named by its field) and the requester by its rule.
 */
export async function runReport(
  ctx: ReportContext,
  requester: Requester,
  name: string,
  raw: Record<string, string | undefined>,
): Promise<{ definition: ReportDefinition; params: Record<string, unknown>; report: Report | Report[] }> {
  const definition = moduleReport(name);
  if (!allows(requester, (actor) => definition.allowed(actor, ctx.organisation)))
    throw new AppError('FORBIDDEN', `The report "${definition.title}" is not available to you.`);
  const unknownNames = Object.keys(raw).filter((k) => !PARAM_NAME.test(k));
  if (unknownNames.length > 0) throw new AppError('VALIDATION', `"${unknownNames[0]!.slice(0, 40)}" is not a parameter name.`);
  let params: Record<string, unknown> = {};
  if (definition.params) {
    const parsed = definition.params.safeParse(raw);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? 'params'), message: i.message }));
      throw new AppError('VALIDATION', fields.map((f) => `${f.field}: ${f.message}`).join('; '), { fields });
    }
    params = parsed.data;
  } else if (Object.keys(raw).length > 0) {
    throw new AppError('VALIDATION', `The report "${definition.title}" takes no parameters.`);
  }
  return { definition, params, report: await definition.build(ctx, requester, params) };
}

/** `name=value name2=value2` as typed after a report's name in Teams. */
export function typedParams(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const at = word.indexOf('=');
    if (at <= 0) throw new AppError('VALIDATION', `"${word.slice(0, 40)}" should be name=value.`);
    const key = word.slice(0, at).toLowerCase();
    if (Object.hasOwn(out, key)) throw new AppError('VALIDATION', `"${key.slice(0, 40)}" is given more than once.`);
    out[key] = word.slice(at + 1);
  }
  return out;
}
