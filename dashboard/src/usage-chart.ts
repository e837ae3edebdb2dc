/**
 * The per-key usage chart's geometry, pure: one stacked bar per day (allowed below, denied above),
 * scaled to the busiest day, so the picture is checkable without a browser.
 */
export interface UsageDay {
  readonly date: string;
  readonly allowed: number;
  readonly denied: number;
}

export interface UsageBar {
  readonly date: string;
  readonly x: number;
  readonly width: number;
  /** y and height of the allowed part (bottom) and the denied part (on top of it). */
  readonly allowed: { readonly y: number; readonly height: number };
  readonly denied: { readonly y: number; readonly height: number };
}

export function usageBars(days: readonly UsageDay[], width: number, height: number): UsageBar[] {
  const peak = Math.max(1, ...days.map((day) => day.allowed + day.denied));
  const slot = days.length === 0 ? 0 : width / days.length;
  const barWidth = Math.max(1, slot * 0.8);
  return days.map((day, index) => {
    const allowedHeight = (day.allowed / peak) * height;
    const deniedHeight = (day.denied / peak) * height;
    return {
      date: day.date,
      x: index * slot + (slot - barWidth) / 2,
      width: barWidth,
      allowed: { y: height - allowedHeight, height: allowedHeight },
      denied: { y: height - allowedHeight - deniedHeight, height: deniedHeight },
    };
  });
}
