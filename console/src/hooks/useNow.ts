/** The time now, renewed every `ms` while `active` (for ETAs that count down between updates). */
import { useEffect, useState } from "react";

export function useNow(ms: number, active: boolean): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(new Date()), ms);
    return () => clearInterval(timer);
  }, [ms, active]);
  return now;
}
