/** A percentage to one decimal place, as every report shows them; 0 of 0 is 0%. */
export const pct = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 1000) / 10);
