// The Usage page's ranges: the last 7, 30 or 90 days, up to now.
export const USAGE_RANGES = [7, 30, 90] as const;

export function usageRangeForDays(value: string | null | undefined): { from: Date; to: Date; days: number } {
  const days = USAGE_RANGES.find((d) => String(d) === value) ?? 30;
  const to = new Date();
  return { from: new Date(to.getTime() - days * 24 * 3600_000), to, days };
}
