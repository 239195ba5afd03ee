// Time left until a moment (a delayed transfer's completion, an approval's expiry), ticking every
// second. As a timer it is not announced on every tick; the target time is written beside it.
import { useEffect, useState } from "react";
import { useT } from "../i18n/context.tsx";

/** Whole days, hours, minutes and seconds from now to `until` (zero when past). */
export function remaining(untilMs: number, nowMs: number): { d: number; h: number; m: number; s: number; past: boolean } {
  const left = Math.max(0, Math.floor((untilMs - nowMs) / 1000));
  return { d: Math.floor(left / 86400), h: Math.floor((left % 86400) / 3600), m: Math.floor((left % 3600) / 60), s: left % 60, past: untilMs <= nowMs };
}

export function Countdown(props: { until: string; onDue?: () => void }) {
  const { t } = useT();
  const target = Date.parse(props.until);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, []);
  const r = remaining(target, now);
  const { onDue } = props;
  useEffect(() => {
    if (r.past) onDue?.();
  }, [r.past, onDue]);
  return (
    <span className="countdown" role="timer" aria-live="off" data-testid="countdown">
      {t("countdown.value", { d: r.d, h: String(r.h).padStart(2, "0"), m: String(r.m).padStart(2, "0"), s: String(r.s).padStart(2, "0") })}
    </span>
  );
}
