// Command roundtable is the Roundtable Discord bot and its tools: it runs the
// bot, migrates its database, checks curricula and serves a local Discord
// emulator. Each subcommand lives in a file of its own with its help text.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// Env is what a subcommand may touch of the outside world, so that tests run
// Main with their own buffers and environment instead of the process's.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// ConfigPath is the -config given before the subcommand, if any.
	ConfigPath string
}

// command is one subcommand: its name, a line for the command list, its full
// help (usage, flags, an example) and what it does.
type command struct {
	name    string
	summary string
	usage   string
	// run does the work; fs is the command's flag set, with -help wired to usage.
	run func(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) error
}

func subcommands() []command {
	return []command{runCommand, migrateCommand, curriculumCommand, rehearseCommand, emulatorCommand, exportCommand, versionCommand}
}

// exitError carries a specific exit status through the error chain: 2 means
// the command was used wrongly or something it needs is missing.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// Main runs roundtable with args (without the program name) and returns the
// process exit status: 0 success, 1 failure, 2 wrong usage or missing setup.
func Main(ctx context.Context, args []string, env *Env) int {
	top := flag.NewFlagSet("roundtable", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	top.StringVar(&env.ConfigPath, "config", "", "")
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(env.Stdout)
			return 0
		}
		fmt.Fprintf(env.Stderr, "roundtable: %v\n\n", err)
		printUsage(env.Stderr)
		return 2
	}
	args = top.Args()
	if len(args) == 0 || args[0] == "help" && len(args) == 1 {
		printUsage(env.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	name, rest := args[0], args[1:]
	if name == "help" {
		name, rest = rest[0], []string{"-help"}
	}
	for _, c := range subcommands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, env, newFlagSet(c, env), rest)
		if err == nil || errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(env.Stderr, "roundtable %s: %v\n", c.name, err)
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return 1
	}
	fmt.Fprintf(env.Stderr, "roundtable: unknown command %q\n\n", name)
	printUsage(env.Stderr)
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `Roundtable runs peer-learning workshops and accountability channels on Discord.

Usage: roundtable [-config FILE] COMMAND [ARGS]

Commands:
`)
	cmds := subcommands()
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
The configuration is read from -config FILE, else $ROUNDTABLE_CONFIG, else
./bot.toml, else built-in defaults. Run 'roundtable COMMAND -help' for a
command's flags and an example.
`)
}

// newFlagSet makes a subcommand's flag set whose -help prints the command's
// usage text followed by its flags.
func newFlagSet(c command, env *Env) *flag.FlagSet {
	fs := flag.NewFlagSet("roundtable "+c.name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintln(out, strings.TrimSpace(c.usage))
		var hasFlags bool
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(out, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses a subcommand's flags; -help prints to stdout and ends the
// command successfully, a bad flag is a usage error.
func parseFlags(fs *flag.FlagSet, env *Env, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(env.Stdout)
			fs.Usage()
			return flag.ErrHelp
		}
		return &exitError{code: 2, err: err}
	}
	return nil
}
