// Builds a verb's kind sub-commands from the registry: `<verb> source git|oci|…`, `<verb> kustomization` (ks),
// `<verb> image repository|policy|update`, … so every verb addresses kinds with the same words.
import { Command } from 'commander';

import { CLI_KINDS, type CliKind, type KindGroup } from './kinds.ts';

const GROUP_DESCRIPTIONS: Record<KindGroup, (verb: string) => string> = {
  source: (verb) => `${verb} sources`,
  image: (verb) => `${verb} image automation objects`,
  artifact: (verb) => `${verb} artifact objects`,
};

/** KindCommandOptions choose the words (`get` uses plurals) and which kinds the verb supports. */
export interface KindCommandOptions {
  plural?: boolean;
  filter?: (k: CliKind) => boolean;
}

/**
 * addKindCommands adds one sub-command per kind under `verb` and lets `configure` declare its arguments, options
 * and action. It returns the group commands (`source`, `image`) so a verb can add `all` to them.
 */
export function addKindCommands(
  verb: Command,
  opts: KindCommandOptions,
  configure: (cmd: Command, kind: CliKind) => void,
): Map<KindGroup, Command> {
  const groups = new Map<KindGroup, Command>();
  for (const kind of CLI_KINDS) {
    if (opts.filter && !opts.filter(kind)) continue;
    if (kind.verbs && !kind.verbs.includes(verb.name())) continue;
    let parent = verb;
    if (kind.group) {
      let group = groups.get(kind.group);
      if (!group) {
        const name = opts.plural ? `${kind.group}s` : kind.group;
        group = new Command(name)
          .description(GROUP_DESCRIPTIONS[kind.group](verb.name()))
          .alias(opts.plural ? kind.group : `${kind.group}s`)
          .copyInheritedSettings(verb);
        verb.addCommand(group);
        groups.set(kind.group, group);
      }
      parent = group;
    }
    // addCommand does not inherit like .command() does: copy exitOverride, help and output settings.
    const cmd = new Command(opts.plural ? kind.getWord : kind.word).copyInheritedSettings(parent);
    for (const alias of opts.plural ? kind.getAliases : kind.aliases) cmd.alias(alias);
    parent.addCommand(cmd);
    configure(cmd, kind);
  }
  return groups;
}
