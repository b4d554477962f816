import type { Rag } from '../core/rag';

/**
 * The shapes of the tab's views, as the server sends them. The page imports them with `import
 * type`, so this file holds types only and imports nothing that runs: the page's type check then
 * reaches no server code beyond them.
 */

export type ActionRow = {
  id: string;
  ref: string;
  learningPoint: number;
  description: string;
  status: Rag;
  statusLabel: string;
  leads: string;
  due?: string;
  overdue: boolean;
  progress: string;
};

export type PlanView = {
  title: string;
  /** RAG counts per learning point, for the stacked chart. */
  byLearningPoint: { learningPoint: number; title: string; counts: Record<Rag, number> }[];
  totals: Record<Rag, number>;
  actions: ActionRow[];
  overdue: ActionRow[];
  leads: string[];
};

export type EscalationRow = {
  id: string;
  ref: string;
  title: string;
  stage: number;
  stageName: string;
  ageWorkingDays: number;
  deadline: string;
  pastDeadline: boolean;
  acknowledged: boolean;
};

export type EscalationsView = { byStage: { stage: number; name: string; count: number }[]; escalations: EscalationRow[] };
