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

/** fishQuote quotes a word for fish: single quotes, with `\` and `'` escaped by a backslash. */
const fishQuote = (s: string): string => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/**
 * fishScript registers one `complete` line per command path; a helper function compares the words typed so far
 * (flags dropped) with the path.
 */
export function fishScript(name: string, table: CompletionTable): string {
  const fn = `__${name.replace(/[^A-Za-z0-9_]/g, '_')}_path_is`;
  const lines = [...table].map(
    ([path, words]) =>
      `complete -c ${name} -f -n ${fishQuote(`${fn} ${fishQuote(path)}`)} -a ${fishQuote(words.join(' '))}`,
  );
  return `# fish completion for ${name}; load with: ${name} completion fish | source
function ${fn}
  set -l words (commandline -opc)
  set -e words[1]
  set -l path (string join ' ' -- (string match -v -- '-*' $words))
  test "$path" = "$argv[1]"
end
${lines.join('\n')}
`;
}

/** psQuote quotes a word for PowerShell: single quotes, doubled inside. */
const psQuote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** powershellScript registers a native argument completer with the same table as a hashtable. */
export function powershellScript(name: string, table: CompletionTable): string {
  const entries = [...table].map(([path, words]) => `  ${psQuote(path)} = @(${words.map(psQuote).join(', ')})`);
  return `# powershell completion for ${name}; load with: ${name} completion powershell | Out-String | Invoke-Expression
$__${name.replace(/[^A-Za-z0-9_]/g, '_')}Completions = @{
${entries.join('\n')}
}
Register-ArgumentCompleter -Native -CommandName ${psQuote(name)} -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
  if ($wordToComplete -ne '' -and $words.Count -gt 0) { $words = @($words | Select-Object -SkipLast 1) }
  $path = (@($words | Where-Object { -not $_.StartsWith('-') }) -join ' ')
  $candidates = $__${name.replace(/[^A-Za-z0-9_]/g, '_')}Completions[$path]
  if ($null -eq $candidates) { return }
  $candidates | Where-Object { $_.StartsWith($wordToComplete) } | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`;
}

const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
type Shell = (typeof SHELLS)[number];

/** completionScript renders the script for one shell. */
export function completionScript(shell: Shell, name: string, table: CompletionTable): string {
  if (shell === 'bash') return bashScript(name, table);
  if (shell === 'zsh') return zshScript(name, table);
  if (shell === 'fish') return fishScript(name, table);
  return powershellScript(name, table);
}

/** registerCompletionCommand adds `fluxts completion bash|zsh|fish|powershell`, generated from the command tree. */
export function registerCompletionCommand(program: Command, o: Output = processOutput()): Command {
  return program
    .command('completion')
    .description('Generate the shell completion script for bash, zsh, fish or powershell')
    .argument('<shell>', 'bash, zsh, fish or powershell', (v: string) => {
      if (!(SHELLS as readonly string[]).includes(v)) {
        throw new InvalidArgumentError(`"${v}" is not a supported shell (use bash, zsh, fish or powershell)`);
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
  fluxts completion fish | source

  # powershell
  fluxts completion powershell | Out-String | Invoke-Expression`,
    )
    .action((shell: Shell) => {
      o.out(completionScript(shell, program.name(), completionTable(program)));
    });
}
