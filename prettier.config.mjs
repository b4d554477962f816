// The code is written to wide lines (measured before Prettier came in: 90% of lines within 121
// characters, 99% within 215). 160 keeps most of today's one-line object literals and calls on one
// line, so adopting Prettier reflowed the fewest lines that a width near today's allows.
export default {
  printWidth: 160,
  singleQuote: true,
  trailingComma: 'all',
};
