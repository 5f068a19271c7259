import { type Command, InvalidArgumentError } from 'commander';

import { type Output, processOutput } from '../shared/terminal.ts';

/** CompletionTable maps a command path (`get sources`) to the words that may follow it there. */
export type CompletionTable = Map<string, string[]>;

/**
 * completionTable walks the command tree: sub-commands, their aliases, long options and the choices of a first
 * argument, per path.
 */
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
    // An argument with fixed choices (`fluxts controller <names...>`) completes to them.
    for (const choice of cmd.registeredArguments[0]?.argChoices ?? []) words.add(choice);
    table.set(path.join(' '), [...words].sort());
    for (const sub of cmd.commands) {
      walk(sub, [...path, sub.name()]);
      for (const a of sub.aliases()) walk(sub, [...path, a]);
    }
  };
  walk(root, []);
  return table;
}

/**
 * ValueFlags maps every flag that takes a value (`-n`, `--namespace`, `--output`; anywhere in the tree) to the
 * values it accepts, empty when free-form. A completion skips the word after such a flag when working out the
 * command path, and completes that word from the choices instead of offering commands.
 */
export type ValueFlags = Map<string, string[]>;

/** valueFlags collects the flags of the tree that take a value, with their choices. */
export function valueFlags(root: Command): ValueFlags {
  const flags: ValueFlags = new Map();
  const walk = (cmd: Command): void => {
    for (const opt of cmd.options) {
      if (!opt.required && !opt.optional) continue;
      const choices = (opt as { argChoices?: string[] }).argChoices ?? [];
      for (const name of [opt.short, opt.long]) {
        if (name) flags.set(name, [...new Set([...(flags.get(name) ?? []), ...choices])].sort());
      }
    }
    for (const sub of cmd.commands) walk(sub);
  };
  walk(root);
  return flags;
}

const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

function caseArms(table: CompletionTable, emit: (words: string) => string): string {
  return [...table].map(([path, words]) => `    ${quote(path)}) ${emit(words.join(' '))} ;;`).join('\n');
}

/** flagArms is a `case` over the value-taking flags, each setting the choices of its value. */
function flagArms(flags: ValueFlags, emit: (words: string) => string): string {
  return [...flags].map(([flag, choices]) => `    ${quote(flag)}) ${emit(choices.join(' '))} ;;`).join('\n');
}

/**
 * bashScript completes command words and long options from the tree, and the values of flags that take one (from
 * their choices; files when free-form); `complete -F` registers it. Bash splits `--flag=value` at `=`.
 */
export function bashScript(name: string, table: CompletionTable, flags: ValueFlags = new Map()): string {
  const fn = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  return `# bash completion for ${name}; load with: source <(${name} completion bash)
${fn}_values() {
  case "$1" in
${flagArms(flags, (w) => `printf '%s' ${quote(w)}; return 0`)}
  esac
  return 1
}
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" w i skip="" flag=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [[ -n "$skip" ]]; then
      skip=""
      [[ "$w" == "=" ]] && skip=1
      continue
    fi
    if [[ "$w" == -* ]]; then
      [[ "$w" != *=* ]] && ${fn}_values "$w" >/dev/null && skip=1
      continue
    fi
    path="\${path:+$path }$w"
  done
  if ((COMP_CWORD >= 2)) && [[ "\${COMP_WORDS[COMP_CWORD-1]}" == "=" ]]; then
    flag="\${COMP_WORDS[COMP_CWORD-2]}"
  elif ((COMP_CWORD >= 1)); then
    flag="\${COMP_WORDS[COMP_CWORD-1]}"
  fi
  [[ "$cur" == "=" ]] && cur=""
  local words=""
  if [[ "$flag" == -* ]] && words="$(${fn}_values "$flag")"; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
    return
  fi
  case "$path" in
${caseArms(table, (w) => `words=${quote(w)}`)}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F ${fn} ${name}
`;
}

/** zshScript is the same table for zsh's completion system (which keeps `--flag=value` as one word). */
export function zshScript(name: string, table: CompletionTable, flags: ValueFlags = new Map()): string {
  const fn = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  return `#compdef ${name}
# zsh completion for ${name}; load with: source <(${name} completion zsh)
${fn}_values() {
  case "$1" in
${flagArms(flags, (w) => `reply=(${w}); return 0`)}
  esac
  return 1
}
${fn}() {
  local path_="" w i skip="" cur="\${words[CURRENT]}"
  local -a reply candidates
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    if [[ -n "$skip" ]]; then skip=""; continue; fi
    if [[ "$w" == -* ]]; then
      [[ "$w" != *=* ]] && ${fn}_values "$w" && skip=1
      continue
    fi
    path_="\${path_:+$path_ }$w"
  done
  if [[ "$cur" == -*=* ]] && ${fn}_values "\${cur%%=*}"; then
    compadd -P "\${cur%%=*}=" -- $reply
    return
  fi
  if ((CURRENT > 2)) && [[ "\${words[CURRENT-1]}" == -* && "\${words[CURRENT-1]}" != *=* ]] && ${fn}_values "\${words[CURRENT-1]}"; then
    compadd -- $reply
    return
  fi
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
 * (flags and their values dropped) with the path. Flags that take a value are declared to fish with their choices,
 * so fish completes their value (`--output y`, `--output=y`) instead of offering commands there.
 */
export function fishScript(name: string, table: CompletionTable, flags: ValueFlags = new Map()): string {
  const fn = `__${name.replace(/[^A-Za-z0-9_]/g, '_')}_path_is`;
  const lines = [...table].map(
    ([path, words]) =>
      `complete -c ${name} -f -n ${fishQuote(`${fn} ${fishQuote(path)}`)} -a ${fishQuote(words.join(' '))}`,
  );
  const valued = [...flags].map(([flag, choices]) => {
    const opt = flag.startsWith('--') ? `-l ${fishQuote(flag.slice(2))}` : `-s ${fishQuote(flag.slice(1))}`;
    return choices.length > 0
      ? `complete -c ${name} ${opt} -x -a ${fishQuote(choices.join(' '))}`
      : `complete -c ${name} ${opt} -r`;
  });
  const valueFlags = [...flags.keys()].map(fishQuote).join(' ');
  return `# fish completion for ${name}; load with: ${name} completion fish | source
function ${fn}
  set -l words (commandline -opc)
  set -e words[1]
  set -l path
  set -l skip 0
  for w in $words
    if test $skip = 1
      set skip 0
      continue
    end
    if string match -q -- '-*' $w
      if not string match -q -- '*=*' $w; and contains -- $w ${valueFlags}
        set skip 1
      end
      continue
    end
    set -a path $w
  end
  set -l joined (string join ' ' -- $path)
  test "$joined" = "$argv[1]"
end
${[...lines, ...valued].join('\n')}
`;
}

/** psQuote quotes a word for PowerShell: single quotes, doubled inside. */
const psQuote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** powershellScript registers a native argument completer with the same table as a hashtable. */
export function powershellScript(name: string, table: CompletionTable, flags: ValueFlags = new Map()): string {
  const id = name.replace(/[^A-Za-z0-9_]/g, '_');
  const entries = [...table].map(([path, words]) => `  ${psQuote(path)} = @(${words.map(psQuote).join(', ')})`);
  const flagEntries = [...flags].map(([flag, choices]) => `  ${psQuote(flag)} = @(${choices.map(psQuote).join(', ')})`);
  return `# powershell completion for ${name}; load with: ${name} completion powershell | Out-String | Invoke-Expression
$__${id}Completions = @{
${entries.join('\n')}
}
$__${id}ValueFlags = @{
${flagEntries.join('\n')}
}
Register-ArgumentCompleter -Native -CommandName ${psQuote(name)} -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
  if ($wordToComplete -ne '' -and $words.Count -gt 0) { $words = @($words | Select-Object -SkipLast 1) }
  $path = @()
  $skip = $false
  foreach ($w in $words) {
    if ($skip) { $skip = $false; continue }
    if ($w.StartsWith('-')) {
      if (-not $w.Contains('=') -and $__${id}ValueFlags.ContainsKey($w)) { $skip = $true }
      continue
    }
    $path += $w
  }
  if ($skip) {
    $candidates = $__${id}ValueFlags[$words[-1]]
  } else {
    $candidates = $__${id}Completions[($path -join ' ')]
  }
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
export function completionScript(shell: Shell, name: string, table: CompletionTable, flags: ValueFlags): string {
  if (shell === 'bash') return bashScript(name, table, flags);
  if (shell === 'zsh') return zshScript(name, table, flags);
  if (shell === 'fish') return fishScript(name, table, flags);
  return powershellScript(name, table, flags);
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
      o.out(completionScript(shell, program.name(), completionTable(program), valueFlags(program)));
    });
}
