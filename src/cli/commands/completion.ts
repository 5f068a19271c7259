import { type Command, InvalidArgumentError } from 'commander';

import { type Output, processOutput } from '../shared/terminal.ts';

/** CompletionTable maps a command path (`get sources`) to the words that may follow it there. */
export type CompletionTable = Map<string, string[]>;

/** completionTable walks the command tree: sub-commands, their aliases and long options per path. */
export function completionTable(root: Command): CompletionTable {
  const table: CompletionTable = new Map();
  const walk = (cmd: Command, path: string[]): void => {
    const words = new Set<string>();
    for (const sub of cmd.commands) {
      if ((sub as Command & { _hidden?: boolean })._hidden) continue;
      words.add(sub.name());
      for (const a of sub.aliases()) words.add(a);
    }
    for (const opt of cmd.options) if (opt.long && !opt.hidden) words.add(opt.long);
    table.set(path.join(' '), [...words].sort());
    for (const sub of cmd.commands) {
      walk(sub, [...path, sub.name()]);
      for (const a of sub.aliases()) walk(sub, [...path, a]);
    }
  };
  walk(root, []);
  return table;
}

const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

function caseArms(table: CompletionTable, emit: (words: string) => string): string {
  return [...table].map(([path, words]) => `    ${quote(path)}) ${emit(words.join(' '))} ;;`).join('\n');
}

/** bashScript completes command words and long options from the tree; `complete -F` registers it. */
export function bashScript(name: string, table: CompletionTable): string {
  const fn = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  return `# bash completion for ${name}; load with: source <(${name} completion bash)
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" w i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    path="\${path:+$path }$w"
  done
  local words=""
  case "$path" in
${caseArms(table, (w) => `words=${quote(w)}`)}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F ${fn} ${name}
`;
}

/** zshScript is the same table for zsh's completion system. */
export function zshScript(name: string, table: CompletionTable): string {
  const fn = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  return `#compdef ${name}
# zsh completion for ${name}; load with: source <(${name} completion zsh)
${fn}() {
  local path_="" w i
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    [[ "$w" == -* ]] && continue
    path_="\${path_:+$path_ }$w"
  done
  local -a candidates
  case "$path_" in
${caseArms(table, (w) => `candidates=(${w})`)}
  esac
  compadd -- $candidates
}
compdef ${fn} ${name}
`;
}

/** fishScript registers one `complete` line per command path. */
export function fishScript(name: string, table: CompletionTable): string {
  const fn = `__${name.replace(/[^A-Za-z0-9_]/g, '_')}_path`;
  const lines = [...table].map(
    ([path, words]) => `complete -c ${name} -f -n 'test "(${fn})" = ${quote(path)}' -a ${quote(words.join(' '))}`,
  );
  return `# fish completion for ${name}; load with: ${name} completion fish | source
function ${fn}
  set -l words (commandline -opc)
  set -e words[1]
  string join ' ' (string match -v -- '-*' $words)
end
${lines.join('\n')}
`;
}

/** registerCompletionCommand adds `fluxts completion bash|zsh|fish`, generated from the command tree. */
export function registerCompletionCommand(program: Command, o: Output = processOutput()): Command {
  return program
    .command('completion')
    .description('Generate the shell completion script for bash, zsh or fish')
    .argument('<shell>', 'bash, zsh or fish', (v: string) => {
      if (v !== 'bash' && v !== 'zsh' && v !== 'fish') {
        throw new InvalidArgumentError(`"${v}" is not a supported shell (use bash, zsh or fish)`);
      }
      return v;
    })
    .addHelpText(
      'after',
      `
Examples:
  # bash, for the current shell
  source <(fluxts completion bash)

  # zsh
  fluxts completion zsh > "\${fpath[1]}/_fluxts"

  # fish
  fluxts completion fish | source`,
    )
    .action((shell: 'bash' | 'zsh' | 'fish') => {
      const table = completionTable(program);
      const name = program.name();
      o.out(
        shell === 'bash' ? bashScript(name, table) : shell === 'zsh' ? zshScript(name, table) : fishScript(name, table),
      );
    });
}
