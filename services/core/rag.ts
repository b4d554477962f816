/**
 * The RAG scale every area speaks (the plan's key, updates, rounds, escalations, reports): B/G/A/R
 * from the plan's key, and NR for an action nobody has rated yet. A type only, so the tab's page can
 * name it without reaching any server code.
 */
export type Rag = 'B' | 'G' | 'A' | 'R' | 'NR';
