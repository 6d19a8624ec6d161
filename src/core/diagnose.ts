// Facts → one cause, with the evidence that names it and the fixes, best first.
// The rules (rules.ts) run in a fixed order; the first that holds wins. A fact that is null (its
// probe failed or timed out) never counts as "no".
import type { Translate } from './messages/index.js';
import { RULES } from './rules.js';
import { Evidence, situation } from './situation.js';
import type { Diagnosis, Facts, Preferences } from './types.js';

export { isReachable, modeString } from './situation.js';

export function diagnose(facts: Facts, prefs: Preferences, t: Translate): Diagnosis {
  const s = situation(facts, prefs, t);
  // The last rule (`unknown`) always holds.
  const rule = RULES.find((r) => r.applies(s))!;
  const evidence = new Evidence(facts, t);
  const found = rule.explain(s, evidence);
  const fixes = found.fixes.filter((fix) => !prefs.disabledFixes.includes(fix.id));
  return { cause: rule.cause, reason: found.reason ?? null, proof: found.proof ?? null, summary: found.summary, evidence: evidence.lines, fixes };
}
