import type { JobName } from '../../bot/jobs';
import type { Clock } from '../../services/core/clock';
import type { Person } from '../../services/people/model';
import type { Store } from '../../services/store/ports';
import { answerSurvey, openSurvey } from '../../services/surveys/responses';
import type { AnswerSeal } from '../../services/surveys/seal';
import type { FakeConnector } from '../harness/fake-connector';
import { invokeActionExecute, postActivity, type TeamsUser } from '../harness/teams-activities';
import { leadIndex, personAt, type CouncilSizes } from './council-data';
import { startProcess } from './processes';

/*
 * What the council-scale benches (bench:council and bench:azure) do alike against the seeded data
 * set: answer the awareness questionnaire, run the daily jobs, and drive the app, started as its
 * own process, the way people do (messages, card answers, tab views).
 */

/** `actor` opens the awareness questionnaire and submits its one page, as the card does; whether it was saved. */
export async function submitAwareness(deps: { store: Store; clock: Clock; seal: AnswerSeal }, actor: Person, campaignId: string): Promise<boolean> {
  const view = await openSurvey(deps, { actor, timeZone: 'Europe/London', campaignId });
  if (view.kind !== 'page') return false;
  const saved = await answerSurvey(deps, {
    actor,
    timeZone: 'Europe/London',
    data: {
      campaignId,
      page: 0,
      move: 'submit',
      carried: '{}',
      answerKey: view.answerKey,
      'q_know-how-to-report': 'yes',
      'q_aware-of-procedures': 'yes',
      q_confidence: 'quite',
      'q_know-dso-name': 'no',
      'q_last-trained': '1-3-years',
      q_comments: '',
    },
  });
  return saved.kind === 'saved';
}

/** Every daily job, in schedule order, with its time of day (UTC) on the bench's Monday (the weekly training reminders run then). */
export const DAILY_JOBS: [JobName, string][] = [
  ['housekeeping', '03:30'],
  ['escalations', '08:30'],
  ['daily-reminders', '09:00'],
  ['training-reminders', '09:15'],
  ['round-chasers', '10:00'],
  ['questionnaires', '10:00'],
];

/**
 * The app in its own process on the store process, its delivery engine idle (the seeded
 * invitations would otherwise be sent during the measurements), and what people do with it.
 */
export async function startCouncilApp(store: { endpoint: string; key: string }, connector: FakeConnector, sizes: CouncilSizes) {
  const appProcess = await startProcess<{ app: string; pid: number; localSecret: string }>('soak-app', [store.endpoint, '3600'], [], {
    BENCH_STORE_KEY: store.key,
  });
  const url = appProcess.ready.app;
  const leads = Math.max(1, Math.floor(sizes.actions / 5));
  const userOf = (p: Person): TeamsUser => ({ id: `29:${p.id}`, aadObjectId: p.aadObjectId!, name: p.name });
  /** A member of staff, a different one for each n. */
  const staff = (n: number) => personAt((n * 7919) % sizes.people);
  /** The lead of action n. */
  const leadOf = (n: number) => personAt(leadIndex(n, sizes));
  /** Whether the app answered the activity and its reply reached the connector. */
  const replied = async (activity: unknown) => {
    const before = connector.activities().length;
    const res = await postActivity(url, activity);
    return res.status === 200 && connector.activities().length > before;
  };
  const versions = new Map<string, number>();
  /** A RAG update on a reminder card, each n by a different lead on one of their own actions. */
  const cardAnswer = async (n: number) => {
    const actionIndex = (n * 53) % leads;
    const lead = personAt(leadIndex(actionIndex, sizes));
    const actionId = `act-${actionIndex}`;
    const version = versions.get(actionId) ?? 1;
    const data = { actionId, version, status: 'A', progress: `Update ${version}`, reason: 'Capacity', remedialAction: 'Agency cover' };
    const res = await postActivity(url, invokeActionExecute({ serviceUrl: connector.serviceUrl, user: userOf(lead), verb: 'action.update', data }));
    const ok = res.status === 200 && JSON.stringify(res.body?.value ?? '').includes('Updated to');
    if (ok) versions.set(actionId, version + 1);
    return ok;
  };
  /** A tab view as `viewer`, signed in locally; whether it answered 200. */
  const tab = (path: string, viewer: Person) => async () =>
    (await fetch(`${url}${path}`, { headers: { authorization: `Local ${viewer.id}`, 'x-local-secret': appProcess.ready.localSecret } }).then((r) =>
      r.arrayBuffer().then(() => r.status),
    )) === 200;
  return { appProcess, url, userOf, staff, leadOf, replied, cardAnswer, tab };
}
