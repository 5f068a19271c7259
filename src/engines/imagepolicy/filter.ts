// `spec.filterTags`: keep the tags a Go (RE2) regular expression matches and, with `extract`, order them by the
// expansion of capture groups (`$1`, `$name`, `${name}`) instead of the tag itself.
import { RE2JS } from 're2js';

import { expandTemplate, offsets } from '../sprig/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { InvalidPolicyError } from './errors.ts';

/** FilterTags is ImagePolicy `spec.filterTags`. */
export interface FilterTags {
  pattern?: string;
  extract?: string;
}

/** TagFilter maps each kept value (the extraction, or the tag) back to the tag it came from. */
export class TagFilter {
  readonly #re: RE2JS;
  readonly #extract: string;
  readonly #groups: number;
  readonly #names: Record<string, number>;

  /** Compiles `pattern` with Go's RE2 syntax; throws InvalidPolicyError with Flux's message when it is invalid. */
  constructor(filter: FilterTags) {
    const pattern = filter.pattern ?? '';
    try {
      this.#re = RE2JS.compile(pattern);
    } catch (err) {
      throw new InvalidPolicyError(`invalid regular expression pattern '${pattern}': ${errorMessage(err)}`, {
        cause: err,
      });
    }
    this.#extract = filter.extract ?? '';
    this.#groups = this.#re.groupCount();
    this.#names = this.#re.namedGroups();
  }

  /**
   * apply returns value → original tag for the tags the pattern matches anywhere (unanchored, leftmost-first).
   * When two tags extract to the same value, the later one wins, as in Flux.
   */
  apply(tags: Iterable<string>): Map<string, string> {
    const out = new Map<string, string>();
    for (const tag of tags) {
      const m = this.#re.matcher(tag);
      if (!m.find(0)) continue;
      const value =
        this.#extract === '' ? tag : expandTemplate(this.#extract, tag, offsets(m, this.#groups), this.#names);
      out.set(value, tag);
    }
    return out;
  }
}
