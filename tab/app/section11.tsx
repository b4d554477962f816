import {
  Badge,
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Select,
  Spinner,
  Subtitle2,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { ApiError, getJson, postJson, type Credential, type ReturnForm, type ReturnFormField, type ReturnFormStandard } from './api';

type Open = Extract<ReturnForm, { kind: 'return' }>;
type Values = Record<ReturnFormField, string>;
/** The fields of one standard's answer, as the save sends them (the challenge's answer has its own button). */
const ANSWER_FIELDS: Exclude<ReturnFormField, 'response'>[] = ['rating', 'naReason', 'narrative', 'evidenceLinks', 'proposedAction', 'proposedDue'];
/** Ratings that are met: no proposed action is asked for (the server decides; this only decides what to show). */
const MET = new Set(['green', 'outstanding', 'good']);

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '12px', marginBottom: '20px', maxWidth: '960px' },
  standard: {
    display: 'flex',
    flexDirection: 'column',
    gap: '8px',
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: '12px',
  },
  row: { display: 'flex', flexWrap: 'wrap', gap: '12px', alignItems: 'end' },
  // A long narrative wraps inside a narrow panel instead of widening the page, and starts at the margin.
  text: { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: '0 0 8px' },
  prompts: { margin: 0, paddingLeft: '20px' },
  field: { maxWidth: '100%', minWidth: 0 },
  actions: { display: 'flex', flexWrap: 'wrap', gap: '8px' },
});

const formatDate = (iso?: string) =>
  iso ? new Date(`${iso.slice(0, 10)}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' }) : '';

const failure = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, 'NETWORK', 'The server could not be reached.'));

/**
 * The agency's Section 11 return as one form: every standard with its prompts, saved one standard
 * at a time (a partial return is kept), then submitted. Problems come back from the server next to
 * their fields with what was typed kept. A challenge from scrutiny is answered on its standard.
 */
export function Section11ReturnPage(props: { credential: Credential }) {
  const s = useStyles();
  const [form, setForm] = useState<ReturnForm>();
  const [error, setError] = useState<ApiError>();
  /** What has been typed and not yet saved, by standard. */
  const [drafts, setDrafts] = useState<Record<string, Partial<Values>>>({});
  const [busy, setBusy] = useState('');
  useEffect(() => {
    let live = true;
    getJson<ReturnForm>('/api/tab/s11/return', props.credential).then(
      (f) => live && setForm(f),
      (e: unknown) => live && setError(failure(e)),
    );
    return () => {
      live = false;
    };
  }, [props.credential]);

  if (error)
    return (
      <MessageBar intent="error">
        <MessageBarBody>{`${error.message} (${error.code})`}</MessageBarBody>
      </MessageBar>
    );
  if (!form) return <Spinner label="Loading…" />;
  if (form.kind === 'none')
    return (
      <section className={s.page} aria-label="Section 11 return">
        <Body1>{form.message}</Body1>
      </section>
    );

  const valuesOf = (st: ReturnFormStandard): Values => ({ ...st.values, ...drafts[st.id] });
  const type = (id: string, field: ReturnFormField, value: string) => setDrafts((d) => ({ ...d, [id]: { ...d[id], [field]: value } }));
  /** The server's answer replaces the form; the standard it concerns shows what the server kept (saved, or as typed with its problems). */
  const settle = (next: ReturnForm, standardId?: string) => {
    setForm(next);
    if (standardId)
      setDrafts((d) => {
        const { [standardId]: _done, ...rest } = d;
        return rest;
      });
  };
  const run = async <T,>(what: string, work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(what);
    setError(undefined);
    try {
      return await work();
    } catch (e) {
      setError(failure(e));
      return undefined;
    } finally {
      setBusy('');
    }
  };
  const saveOne = async (current: Open, st: ReturnFormStandard): Promise<ReturnForm | undefined> => {
    const v = valuesOf(st);
    const next = await postJson<ReturnForm>(
      '/api/tab/s11/return/save',
      { roundId: current.roundId, agency: current.agency, standardId: st.id, rev: st.rev, ...Object.fromEntries(ANSWER_FIELDS.map((f) => [f, v[f]])) },
      props.credential,
    );
    settle(next, st.id);
    return next;
  };
  const save = (st: ReturnFormStandard) => run(`save:${st.id}`, () => saveOne(form, st));
  /** Saves whatever is typed and unsaved first, stopping at the first standard with a problem; then submits. */
  const submit = () =>
    run('submit', async () => {
      let current: Open = form;
      for (const st of form.standards.filter((x) => drafts[x.id])) {
        const next = await saveOne(current, st);
        if (next?.kind !== 'return') return;
        current = next;
        if (next.standards.find((x) => x.id === st.id)!.issues.length > 0) return;
      }
      settle(await postJson<ReturnForm>('/api/tab/s11/return/submit', { roundId: current.roundId, agency: current.agency }, props.credential));
    });
  const answer = (st: ReturnFormStandard) =>
    run(`answer:${st.id}`, async () => {
      const v = valuesOf(st);
      const next = await postJson<ReturnForm>(
        '/api/tab/s11/return/answer',
        {
          roundId: form.roundId,
          agency: form.agency,
          standardId: st.id,
          response: v.response,
          rating: v.rating,
          naReason: v.naReason,
          proposedAction: v.proposedAction,
          proposedDue: v.proposedDue,
        },
        props.credential,
      );
      settle(next, st.id);
    });

  const unsaved = Object.keys(drafts).length;
  const submitProblem = new Map(form.submitIssues.map((i) => [i.field, i.message]));
  const stateLine =
    form.status === 'in-progress'
      ? `In progress; due by ${formatDate(form.closesOn)}.`
      : form.status === 'submitted'
        ? `Submitted (${form.state}).`
        : 'Accepted.';
  return (
    <section className={s.page} aria-label="Section 11 return">
      <Subtitle2 as="h2">{`Section 11 ${form.year}: ${form.agencyName}’s return`}</Subtitle2>
      <Body1 data-testid="s11-state">
        {`${stateLine}${form.challengeEventOn ? ` Challenge event ${formatDate(form.challengeEventOn)}.` : ''}${form.roundOpen ? '' : ' The round has closed.'}`}
      </Body1>
      {form.editable && (
        <Caption1>
          Each standard is saved on its own: save as you go, come back later, and submit when every standard is rated or marked not applicable.
        </Caption1>
      )}
      {!form.editable && form.status === 'in-progress' && form.roundOpen && (
        <Caption1>Your agency’s Section 11 leads complete this return; you may read it.</Caption1>
      )}
      {form.notice && (
        <MessageBar intent={form.submitIssues.length ? 'warning' : 'success'}>
          <MessageBarBody data-testid="s11-notice">{form.notice}</MessageBarBody>
        </MessageBar>
      )}
      {form.standards.map((st, i) => (
        <StandardForm
          key={st.id}
          form={form}
          standard={st}
          position={i + 1}
          values={valuesOf(st)}
          dirty={!!drafts[st.id]}
          problem={submitProblem.get(st.id) ?? ''}
          busy={busy}
          onType={(field, value) => type(st.id, field, value)}
          onSave={() => void save(st)}
          onAnswer={() => void answer(st)}
        />
      ))}
      {form.editable && (
        <div className={s.actions}>
          <Button appearance="primary" disabled={busy !== ''} onClick={() => void submit()}>
            Submit the return
          </Button>
          {unsaved > 0 && <Caption1>{`${unsaved} standard${unsaved === 1 ? ' has' : 's have'} unsaved changes: submitting saves them first.`}</Caption1>}
        </div>
      )}
    </section>
  );
}

function StandardForm(props: {
  form: Open;
  standard: ReturnFormStandard;
  position: number;
  values: Values;
  dirty: boolean;
  problem: string;
  busy: string;
  onType: (field: ReturnFormField, value: string) => void;
  onSave: () => void;
  onAnswer: () => void;
}) {
  const s = useStyles();
  const { form, standard: st, values: v } = props;
  const title = `${props.position}. ${st.title}`;
  const issue = (field: ReturnFormField) =>
    st.issues
      .filter((i) => i.field === field)
      .map((i) => i.message)
      .join(' ');
  /** A field with its problem beside it, as the server said it. */
  const field = (name: ReturnFormField, label: string, control: React.ReactElement, hint?: string) => (
    <Field
      className={s.field}
      label={label}
      validationState={issue(name) ? 'error' : 'none'}
      validationMessage={issue(name) || undefined}
      {...(hint ? { hint } : {})}
    >
      {control}
    </Field>
  );
  /** The action the agency proposes where a standard is not met, with its date: when filling the standard and when revising its rating after a challenge. */
  const proposedActionFields = (
    <div className={s.row}>
      {field(
        'proposedAction',
        'Action your agency proposes',
        <Textarea resize="vertical" value={v.proposedAction} onChange={(_, d) => props.onType('proposedAction', d.value)} />,
      )}
      {field('proposedDue', 'Due by', <Input type="date" value={v.proposedDue} onChange={(_, d) => props.onType('proposedDue', d.value)} />)}
    </div>
  );
  const ratingLabel = (value: string) => form.ratings.find((r) => r.value === value)?.label ?? (value ? value : 'Not rated');
  const sc = st.scrutiny;
  return (
    <section className={s.standard} aria-label={title}>
      <Subtitle2 as="h3">{title}</Subtitle2>
      <ul className={s.prompts} aria-label={`What ${title} asks for`}>
        {st.prompts.map((p) => (
          <li key={p}>
            <Caption1>{p}</Caption1>
          </li>
        ))}
      </ul>
      <div className={s.row}>
        <Body1>{st.status}</Body1>
        {st.carriedForward && (
          <Badge appearance="tint" color="warning">
            Carried forward — confirm or change
          </Badge>
        )}
        {st.savedBy && <Caption1>{`Saved by ${st.savedBy.name}, ${formatDate(st.savedBy.at)}`}</Caption1>}
      </div>
      {props.problem && (
        <MessageBar intent="warning">
          <MessageBarBody>{props.problem}</MessageBarBody>
        </MessageBar>
      )}
      {st.notice && (
        <MessageBar intent={st.issues.length ? 'error' : 'success'}>
          <MessageBarBody>{st.notice}</MessageBarBody>
        </MessageBar>
      )}
      {form.editable ? (
        <>
          {field(
            'rating',
            'Rating',
            <Select value={v.rating} onChange={(_, d) => props.onType('rating', d.value)}>
              <option value="">Not rated yet</option>
              {form.ratings.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
              {/* A value the scale does not hold (as typed elsewhere) stays visible beside its message. */}
              {v.rating && !form.ratings.some((r) => r.value === v.rating) && <option value={v.rating}>{v.rating}</option>}
            </Select>,
          )}
          {v.rating === 'na' &&
            field(
              'naReason',
              'Why it does not apply',
              <Textarea resize="vertical" value={v.naReason} onChange={(_, d) => props.onType('naReason', d.value)} />,
            )}
          {field(
            'narrative',
            'Narrative',
            <Textarea resize="vertical" rows={10} value={v.narrative} onChange={(_, d) => props.onType('narrative', d.value)} />,
            `${v.narrative.length} of ${form.limits.narrative} characters. No children’s names or identifying details.`,
          )}
          {field(
            'evidenceLinks',
            'Evidence links',
            <Textarea resize="vertical" rows={2} value={v.evidenceLinks} onChange={(_, d) => props.onType('evidenceLinks', d.value)} />,
            'https:// links only, one per line: the return holds no files.',
          )}
          {/* Where the standard is not met: the action the agency proposes, with its date. */}
          {v.rating !== '' && !MET.has(v.rating) && v.rating !== 'na' && proposedActionFields}
          <div className={s.actions}>
            <Button disabled={props.busy !== ''} onClick={props.onSave}>
              {props.busy === `save:${st.id}` ? 'Saving…' : st.carriedForward && !props.dirty ? 'Confirm as it is' : 'Save this standard'}
            </Button>
            {props.dirty && <Caption1>Not saved yet</Caption1>}
          </div>
        </>
      ) : (
        <dl>
          <dt>
            <Caption1>Rating</Caption1>
          </dt>
          <dd className={s.text}>{ratingLabel(st.saved.rating)}</dd>
          {st.saved.naReason && (
            <>
              <dt>
                <Caption1>Not applicable because</Caption1>
              </dt>
              <dd className={s.text}>{st.saved.naReason}</dd>
            </>
          )}
          <dt>
            <Caption1>Narrative</Caption1>
          </dt>
          <dd className={s.text}>{st.saved.narrative || '—'}</dd>
          <dt>
            <Caption1>Evidence</Caption1>
          </dt>
          <dd className={s.text}>{st.saved.evidenceLinks || '—'}</dd>
          {st.saved.proposedAction && (
            <>
              <dt>
                <Caption1>Proposed action</Caption1>
              </dt>
              <dd className={s.text}>{`${st.saved.proposedAction} (by ${formatDate(st.saved.proposedDue)})`}</dd>
            </>
          )}
        </dl>
      )}
      {sc && (
        <div aria-label={`Scrutiny of ${title}`} role="group">
          <Body1>{`${sc.state === 'accepted' ? 'Accepted' : 'Challenged'} by ${sc.by}, ${formatDate(sc.at)}`}</Body1>
          {sc.comment && <Body1 className={s.text}>{`Comment: ${sc.comment}`}</Body1>}
          {sc.response && <Body1 className={s.text}>{`Your agency’s answer: ${sc.response}`}</Body1>}
          {sc.revisedFrom && <Body1>{`Rating revised from ${sc.revisedFrom}`}</Body1>}
        </div>
      )}
      {st.mayAnswer && (
        <>
          {field(
            'response',
            'Your answer to the challenge (the reason, if you revise the rating)',
            <Textarea resize="vertical" rows={4} value={v.response} onChange={(_, d) => props.onType('response', d.value)} />,
          )}
          {field(
            'rating',
            'Rating after the challenge',
            <Select value={v.rating} onChange={(_, d) => props.onType('rating', d.value)}>
              {form.ratings.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.value === st.saved.rating ? `${r.label} (keep)` : r.label}
                </option>
              ))}
            </Select>,
          )}
          {!MET.has(v.rating) && v.rating !== 'na' && v.rating !== st.saved.rating && proposedActionFields}
          <div className={s.actions}>
            <Button appearance="primary" disabled={props.busy !== ''} onClick={props.onAnswer}>
              {props.busy === `answer:${st.id}` ? 'Sending…' : 'Answer the challenge'}
            </Button>
          </div>
        </>
      )}
    </section>
  );
}
