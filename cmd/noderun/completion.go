package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// shells are the shells noderun writes completion scripts for.
var shells = []string{"bash", "zsh", "fish"}

func runCompletion(ctx context.Context, a *app, args []string) int {
	fs := a.newFlags("completion", "bash|zsh|fish\n\n"+
		"Prints a completion script for commands, flags, flag values and node names:\n"+
		"  bash: source <(noderun completion bash)   (or save it in /etc/bash_completion.d/noderun)\n"+
		"  zsh:  noderun completion zsh > \"${fpath[1]}/_noderun\"   (or source <(noderun completion zsh))\n"+
		"  fish: noderun completion fish > ~/.config/fish/completions/noderun.fish")
	positional, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(positional) != 1 {
		fmt.Fprintf(a.stderr, "noderun completion: name one shell: %s\n", strings.Join(shells, ", "))
		return exitInput
	}
	spec := completionSpec{nodes: a.registry.Names()}
	flagSets := commandFlags(ctx)
	for _, name := range commandNames() {
		c := completionCommand{name: name, summary: commands()[name].summary}
		if fs := flagSets[name]; fs != nil {
			c.flags = flagInfos(fs)
		}
		for i := range c.flags {
			if c.flags[i].name == "node" {
				c.flags[i].values = spec.nodes
			}
		}
		spec.commands = append(spec.commands, c)
	}
	switch positional[0] {
	case "bash":
		spec.bash(a.stdout)
	case "zsh":
		spec.zsh(a.stdout)
	case "fish":
		spec.fish(a.stdout)
	default:
		fmt.Fprintf(a.stderr, "noderun completion: no completion for %q%s; the shells are %s\n", positional[0], suggest(positional[0], shells), strings.Join(shells, ", "))
		return exitInput
	}
	return exitOK
}

// completionSpec is what the scripts complete: commands with their flags,
// and node names for describe and list --node.
type completionSpec struct {
	commands []completionCommand
	nodes    []string
}

type completionCommand struct {
	name, summary string
	flags         []flagInfo
}

// positionalWords are the words a command's positional arguments take,
// when they are not files.
func (s completionSpec) positionalWords(cmd string) ([]string, bool) {
	switch cmd {
	case "describe":
		return s.nodes, true
	case "completion":
		return shells, true
	case "help":
		var names []string
		for _, c := range s.commands {
			names = append(names, c.name)
		}
		return names, true
	case "credentials":
		return []string{"test"}, true
	case "exec", "list", "sim", "generate", "version":
		return nil, true // no positional arguments
	}
	return nil, false // files (validate)
}

func (s completionSpec) bash(w io.Writer) {
	var names []string
	for _, c := range s.commands {
		names = append(names, c.name)
	}
	fmt.Fprintf(w, "# bash completion for noderun; load with: source <(noderun completion bash)\n")
	fmt.Fprintf(w, "_noderun() {\n")
	fmt.Fprintf(w, "  local cur prev cmd i\n")
	fmt.Fprintf(w, "  cur=\"${COMP_WORDS[COMP_CWORD]}\"\n  prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n")
	fmt.Fprintf(w, "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n")
	fmt.Fprintf(w, "    COMPREPLY=($(compgen -W %s -- \"$cur\"))\n    return\n  fi\n", shellQuote(strings.Join(append(names, "--help", "--version"), " ")))
	fmt.Fprintf(w, "  cmd=\"${COMP_WORDS[1]}\"\n")
	// A flag's value.
	fmt.Fprintf(w, "  case \"$cmd:${prev#--}\" in\n")
	for _, c := range s.commands {
		for _, f := range c.flags {
			switch {
			case len(f.values) > 0:
				fmt.Fprintf(w, "    %s:%s|%s:-%s) COMPREPLY=($(compgen -W %s -- \"$cur\")); return ;;\n", c.name, f.name, c.name, f.name, shellQuote(strings.Join(f.values, " ")))
			case f.file:
				fmt.Fprintf(w, "    %s:%s|%s:-%s) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", c.name, f.name, c.name, f.name)
			case !f.boolean:
				fmt.Fprintf(w, "    %s:%s|%s:-%s) COMPREPLY=(); return ;;\n", c.name, f.name, c.name, f.name)
			}
		}
	}
	fmt.Fprintf(w, "  esac\n")
	// Flags.
	fmt.Fprintf(w, "  if [[ \"$cur\" == -* ]]; then\n    case \"$cmd\" in\n")
	for _, c := range s.commands {
		var flags []string
		for _, f := range c.flags {
			flags = append(flags, "--"+f.name)
		}
		flags = append(flags, "--help")
		fmt.Fprintf(w, "      %s) COMPREPLY=($(compgen -W %s -- \"$cur\")) ;;\n", c.name, shellQuote(strings.Join(flags, " ")))
	}
	fmt.Fprintf(w, "    esac\n    return\n  fi\n")
	// Positional arguments.
	fmt.Fprintf(w, "  case \"$cmd\" in\n")
	for _, c := range s.commands {
		words, known := s.positionalWords(c.name)
		switch {
		case !known:
			fmt.Fprintf(w, "    %s) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n", c.name)
		case len(words) > 0:
			fmt.Fprintf(w, "    %s) COMPREPLY=($(compgen -W %s -- \"$cur\")) ;;\n", c.name, shellQuote(strings.Join(words, " ")))
		}
	}
	fmt.Fprintf(w, "  esac\n}\ncomplete -F _noderun noderun\n")
}

func (s completionSpec) zsh(w io.Writer) {
	fmt.Fprintf(w, "#compdef noderun\n# zsh completion for noderun; install with: noderun completion zsh > \"${fpath[1]}/_noderun\"\n")
	fmt.Fprintf(w, "_noderun() {\n  local -a commands\n  commands=(\n")
	for _, c := range s.commands {
		fmt.Fprintf(w, "    %s\n", shellQuote(c.name+":"+zshEscape(c.summary)))
	}
	fmt.Fprintf(w, "  )\n  if (( CURRENT == 2 )); then\n    _describe -t commands 'noderun command' commands\n    return\n  fi\n")
	fmt.Fprintf(w, "  local cmd=$words[2]\n  shift words\n  (( CURRENT-- ))\n  case $cmd in\n")
	for _, c := range s.commands {
		fmt.Fprintf(w, "    %s)\n      _arguments -s \\\n", c.name)
		for _, f := range c.flags {
			spec := "--" + f.name + "[" + zshEscape(f.usage) + "]"
			switch {
			case f.boolean:
			case len(f.values) > 0:
				spec += ":" + f.name + ":(" + strings.Join(f.values, " ") + ")"
			case f.file:
				spec += ":" + f.name + ":_files"
			default:
				spec += ":" + f.name + ": "
			}
			fmt.Fprintf(w, "        %s \\\n", shellQuote(spec))
		}
		words, known := s.positionalWords(c.name)
		switch {
		case !known:
			fmt.Fprintf(w, "        '*:file:_files'\n")
		case len(words) > 0:
			fmt.Fprintf(w, "        %s\n", shellQuote("*:argument:("+strings.Join(zshWords(words), " ")+")"))
		default:
			fmt.Fprintf(w, "        '--help[show the usage]'\n")
		}
		fmt.Fprintf(w, "      ;;\n")
	}
	fmt.Fprintf(w, "  esac\n}\n")
	// Sourced rather than autoloaded from fpath: register the function.
	fmt.Fprintf(w, "if [ \"$funcstack[1]\" = \"_noderun\" ]; then\n  _noderun \"$@\"\nelse\n  compdef _noderun noderun\nfi\n")
}

func (s completionSpec) fish(w io.Writer) {
	fmt.Fprintf(w, "# fish completion for noderun; install with: noderun completion fish > ~/.config/fish/completions/noderun.fish\n")
	fmt.Fprintf(w, "complete -c noderun -f\n")
	var names []string
	for _, c := range s.commands {
		names = append(names, c.name)
		fmt.Fprintf(w, "complete -c noderun -n __fish_use_subcommand -a %s -d %s\n", c.name, shellQuote(c.summary))
	}
	fmt.Fprintf(w, "complete -c noderun -n __fish_use_subcommand -l version -d 'print the version'\n")
	for _, c := range s.commands {
		cond := shellQuote("__fish_seen_subcommand_from " + c.name)
		for _, f := range c.flags {
			line := fmt.Sprintf("complete -c noderun -n %s -l %s -d %s", cond, f.name, shellQuote(f.usage))
			switch {
			case f.boolean:
			case len(f.values) > 0:
				line += " -x -a " + shellQuote(strings.Join(f.values, " "))
			case f.file:
				line += " -r -F"
			default:
				line += " -x"
			}
			fmt.Fprintln(w, line)
		}
		words, known := s.positionalWords(c.name)
		switch {
		case !known:
			fmt.Fprintf(w, "complete -c noderun -n %s -F\n", cond)
		case len(words) > 0:
			fmt.Fprintf(w, "complete -c noderun -n %s -a %s\n", cond, shellQuote(strings.Join(words, " ")))
		}
	}
	sort.Strings(names)
}

// shellQuote quotes s in single quotes for sh, zsh and fish.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// zshEscape escapes what _arguments and _describe give meaning to.
func zshEscape(s string) string {
	return strings.NewReplacer(":", `\:`, "[", `\[`, "]", `\]`).Replace(s)
}

// zshWords escapes words for a (a b c) list.
func zshWords(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = strings.NewReplacer(" ", `\ `, "(", `\(`, ")", `\)`).Replace(w)
	}
	return out
}
