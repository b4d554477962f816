import type { FieldIssue } from '../core/errors';
import type { ReturnState, ReturnStatus } from './model';

/**
 * The return as the tab's form shows it: every standard on one page. The page imports these types
 * (type-only, so nothing of the server reaches its bundle); tab-form.ts builds them.
 *
 * The fields of one standard: its answer's, and the agency's answer to a challenge. */
export type ReturnFormField = 'rating' | 'naReason' | 'narrative' | 'evidenceLinks' | 'proposedAction' | 'proposedDue' | 'response';

export type ReturnFormStandard = {
  id: string;
  title: string;
  prompts: string[];
  /** What the fields show: the stored answer, or what was typed when it came back with problems. */
  values: Record<ReturnFormField, string>;
  /** The answer as saved now: what a read-only return shows, and the rating a challenge's answer keeps. */
  saved: Record<ReturnFormField, string>;
  /** The version of the answer the form was shown from; a save from an older one is not applied. */
  rev: number;
  status: string;
  carriedForward: boolean;
  savedBy?: { name: string; at: string };
  scrutiny?: { state: 'accepted' | 'challenged' | 'answered'; by: string; at: string; comment?: string; response?: string; revisedFrom?: string };
  /** The agency may answer this standard's challenge (and revise its rating). */
  mayAnswer: boolean;
  /** Problems with what was typed, by field, shown next to each. */
  issues: FieldIssue[];
  /** What happened to this standard just now ("Saved.", or why nothing was saved). */
  notice: string;
};

export type ReturnForm =
  | {
      kind: 'return';
      roundId: string;
      year: number;
      agency: string;
      agencyName: string;
      closesOn: string;
      challengeEventOn?: string;
      roundOpen: boolean;
      status: ReturnStatus;
      state: ReturnState;
      /** The reader may change the answers (the agency's lead, while the return is in progress and the round open). */
      editable: boolean;
      ratings: { value: string; label: string }[];
      limits: { narrative: number; reason: number };
      notice: string;
      /** Why the return could not be submitted, by standard id. */
      submitIssues: FieldIssue[];
      standards: ReturnFormStandard[];
    }
  | { kind: 'none'; message: string };
