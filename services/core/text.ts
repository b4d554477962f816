/**
 * Characters that change how the text around them is shown while showing nothing themselves:
 * bidi overrides and isolates (a name or a link shown backwards, "Trojan Source"), terminal
 * escapes and the other control characters. No text the product shows needs them; tab and line
 * breaks stay.
 */
const HIDDEN_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text from a person or a file as every output shows it: line breaks made `\n`, hidden controls taken out. */
export function visibleText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(HIDDEN_CONTROLS, '');
}

/** Text that must stay on one line (a name, a heading, a subject): its line breaks become spaces. */
export function oneLine(text: string): string {
  return visibleText(text).replace(/\s*\n\s*/g, ' ');
}

/** At most `max` characters, the last of them `…` when cut; never splits a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\ud800-\udbff]/.test(text[max - 2] ?? '') ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

/**
 * Free text quoted in a list of many items (a digest, "my actions") is cut here, so a plan of
 * long cells cannot push the card over Teams' message limit and lose the whole reminder. Digests
 * store their lines cut the same way, so an outbox item stays far below the store's 2 MB. The
 * action's own card shows all of it.
 */
export const MAX_LISTED_TEXT_CHARS = 300;

/** Free text in a list of many items: cut to MAX_LISTED_TEXT_CHARS. */
export function listedText(text: string): string {
  return clip(text, MAX_LISTED_TEXT_CHARS);
}

/** Every string inside plain data (arrays and plain objects), passed through `visibleText`; anything else (a Date) as it is. */
export function visibleData<T>(value: T): T {
  if (typeof value === 'string') return visibleText(value) as T;
  if (Array.isArray(value)) return value.map(visibleData) as T;
  if (value && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visibleData(v)])) as T;
  }
  return value;
}
