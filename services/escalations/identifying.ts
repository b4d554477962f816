/**
 * Safeguarding records must not identify children: case references only. These patterns catch the
 * identifying details people most often type by habit. They err on the side of refusing: a
 * numeric date is refused everywhere (write "March 2026" for a meeting date instead).
 */
const PATTERNS: { kind: string; pattern: RegExp }[] = [
  { kind: 'a date of birth', pattern: /\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\b/i },
  { kind: 'a date of birth', pattern: /\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{2}|\d{4})\b/ },
  { kind: 'an NHS number', pattern: /\b\d{3}[\s-]?\d{3}[\s-]?\d{4}\b/ },
  { kind: 'a phone number', pattern: /(?:\+44\s?\(?0?\)?\s?|\b0)\d(?:[\s-]?\d){8,9}\b/ },
];

export type IdentifyingText = { field: string; kind: string };

export function findIdentifyingText(fields: Record<string, string | undefined>): IdentifyingText[] {
  const found: IdentifyingText[] = [];
  for (const [field, text] of Object.entries(fields)) {
    if (!text) continue;
    const hit = PATTERNS.find((p) => p.pattern.test(text));
    if (hit) found.push({ field, kind: hit.kind });
  }
  return found;
}
