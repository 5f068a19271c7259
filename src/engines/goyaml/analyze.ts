// libyaml's yaml_emitter_analyze_scalar (emitterc.go in go-yaml v2 and v3): which scalar styles can represent a
// string so that it reads back unchanged.
import { isBlankz, isBreak, isPrintable, isSpace, isTab } from './chars.ts';

const codes = (chars: string): Set<number> => new Set([...chars].map((ch) => ch.charCodeAt(0)));
/** ALWAYS_INDICATOR: first characters that make a plain scalar impossible in any context. */
const ALWAYS_INDICATOR = codes('#,[]{}&*!|>\'"%@`');
/** FLOW_INDICATOR: characters that end a plain scalar inside flow collections. */
const FLOW_INDICATOR = codes(',?[]{}');

/** ScalarAnalysis says which styles may write a string. */
export interface ScalarAnalysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

/**
 * analyzeScalar ports the analysis with unicode output on (both libraries set it). `tabsAllowed` is go-yaml v3's
 * change: a tab no longer counts as a special character, so it may appear in a literal block.
 */
export function analyzeScalar(cps: readonly number[], tabsAllowed: boolean): ScalarAnalysis {
  if (cps.length === 0)
    return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  let blockIndicators = false;
  let flowIndicators = false;
  const start = String.fromCodePoint(...cps.slice(0, 3));
  if (start === '---' || start === '...') blockIndicators = flowIndicators = true;
  let lineBreaks = false;
  let special = false;
  let tabs = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  const last = cps.length - 1;
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i] ?? 0;
    const followedByWhitespace = isBlankz(cps[i + 1]);
    if (i === 0) {
      if (ALWAYS_INDICATOR.has(c)) flowIndicators = blockIndicators = true;
      else if (c === 0x3f || c === 0x3a) {
        // ? and : start a block key or value only when a blank follows.
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (c === 0x2d && followedByWhitespace) flowIndicators = blockIndicators = true;
    } else if (FLOW_INDICATOR.has(c)) {
      flowIndicators = true;
    } else if (c === 0x3a) {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (c === 0x23 && precededByWhitespace) {
      flowIndicators = blockIndicators = true;
    }
    if (tabsAllowed && isTab(c)) tabs = true;
    else if (!isPrintable(c)) special = true;
    if (isBreak(c)) lineBreaks = true;
    if (isSpace(c)) {
      if (i === 0) leadingSpace = true;
      if (i === last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      if (i === 0) leadingBreak = true;
      if (i === last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousBreak = true;
      previousSpace = false;
    } else {
      previousSpace = previousBreak = false;
    }
    precededByWhitespace = isBlankz(c);
  }
  const a: ScalarAnalysis = {
    multiline: lineBreaks,
    flowPlain: true,
    blockPlain: true,
    singleQuoted: true,
    block: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.flowPlain = a.blockPlain = false;
  if (trailingSpace) a.block = false;
  if (breakSpace) a.flowPlain = a.blockPlain = a.singleQuoted = false;
  if (spaceBreak || tabs || special) a.flowPlain = a.blockPlain = a.singleQuoted = false;
  if (spaceBreak || special) a.block = false;
  if (lineBreaks) a.flowPlain = a.blockPlain = false;
  if (flowIndicators) a.flowPlain = false;
  if (blockIndicators) a.blockPlain = false;
  return a;
}
