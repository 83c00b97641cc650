package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/roundtable-bot/roundtable/curricula"
	"github.com/roundtable-bot/roundtable/workshop"
)

var curriculumCommand = command{
	name:    "curriculum",
	summary: "check curriculum files, or show a curriculum's timeline",
	usage: `
Usage:
  roundtable [-config FILE] curriculum check [--strict] FILE|ID...
  roundtable [-config FILE] curriculum show FILE|ID

check loads each curriculum and prints every error and warning as
FILE:LINE:COL: message. It exits 1 when a file has errors; with --strict,
warnings (the peer-learning lint rules) fail too, for CI of curriculum
repositories.

show prints the timeline: when each step starts, its mode, duration, rounds
and group size, and the total.

A FILE is a path to a .toml file; an ID names a built-in curriculum or one in
[workshop] curricula_dirs.

Examples:
  $ roundtable curriculum check --strict curricula/*.toml
  $ roundtable curriculum show design-thinking
`,
	run: runCurriculum,
}

func runCurriculum(_ context.Context, env *Env, fs *flag.FlagSet, args []string) error {
	if len(args) == 0 {
		fs.Usage()
		return usageError("say check or show")
	}
	switch args[0] {
	case "check":
		return runCurriculumCheck(env, fs, args[1:])
	case "show":
		return runCurriculumShow(env, fs, args[1:])
	case "-h", "-help", "--help", "help":
		return parseFlags(fs, env, []string{"-help"})
	default:
		fs.Usage()
		return usageError("unknown subcommand %q: say check or show", args[0])
	}
}

// parseInterspersed parses flags that may come before or after the
// positional arguments ("check FILE --strict" as well as "check --strict FILE").
func parseInterspersed(fs *flag.FlagSet, env *Env, args []string) ([]string, error) {
	var positional []string
	for {
		if err := parseFlags(fs, env, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func runCurriculumCheck(env *Env, fs *flag.FlagSet, args []string) error {
	strict := fs.Bool("strict", false, "treat warnings as failures")
	targets, err := parseInterspersed(fs, env, args)
	if err != nil {
		return err
	}
	if len(targets) == 0 {
		return usageError("check: name at least one FILE or ID")
	}
	var lib *workshop.Library
	var nErrors, nWarnings int
	for _, target := range targets {
		name, src, err := curriculumSource(env, target, &lib)
		if err != nil {
			return err
		}
		_, diags := workshop.ParseCurriculum(name, src)
		for _, d := range diags {
			fmt.Fprintln(env.Stdout, d.String())
		}
		e, w := len(diags.Errors()), len(diags.Warnings())
		nErrors, nWarnings = nErrors+e, nWarnings+w
		if e == 0 {
			fmt.Fprintf(env.Stdout, "%s: ok (%s)\n", name, plural(w, "warning"))
		}
	}
	switch {
	case nErrors > 0:
		return fmt.Errorf("%s, %s", plural(nErrors, "error"), plural(nWarnings, "warning"))
	case *strict && nWarnings > 0:
		return fmt.Errorf("%s (--strict makes warnings fail)", plural(nWarnings, "warning"))
	}
	return nil
}

func runCurriculumShow(env *Env, fs *flag.FlagSet, args []string) error {
	targets, err := parseInterspersed(fs, env, args)
	if err != nil {
		return err
	}
	if len(targets) != 1 {
		return usageError("show: name exactly one FILE or ID")
	}
	var lib *workshop.Library
	name, src, err := curriculumSource(env, targets[0], &lib)
	if err != nil {
		return err
	}
	c, diags := workshop.ParseCurriculum(name, src)
	if diags.HasErrors() {
		for _, d := range diags.Errors() {
			fmt.Fprintln(env.Stderr, d.String())
		}
		return fmt.Errorf("%s has %s; fix them first ('roundtable curriculum check %s')", name, plural(len(diags.Errors()), "error"), targets[0])
	}
	printTimeline(env.Stdout, c)
	return nil
}

// printTimeline writes the table hosts read before running a curriculum.
func printTimeline(w io.Writer, c *workshop.Curriculum) {
	fmt.Fprintf(w, "%s (%s)\n", c.Title, c.ID)
	if c.Summary != "" {
		fmt.Fprintln(w, c.Summary)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "OFFSET\tSTEP\tMODE\tDURATION\tROUNDS\tGROUP SIZE")
	for _, e := range c.Timeline() {
		rounds, size := "-", "-"
		if e.Mode == workshop.ModeBreakout {
			rounds, size = fmt.Sprint(e.Rounds), fmt.Sprint(e.GroupSize)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", clock(e.Offset), e.Title, e.Mode, minutes(e.Duration), rounds, size)
	}
	fmt.Fprintf(tw, "%s\t%s\t\t\t\t\n", clock(c.TotalDuration()), "end")
	tw.Flush()
	fmt.Fprintf(w, "\nTotal %s; first exercise at %s.\n", minutes(c.TotalDuration()), clock(c.FirstExerciseOffset()))
}

// clock formats an offset from the start as H:MM:SS or M:SS.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// minutes formats a duration as hosts speak of it: "8 min", "90 s", "4 min 30 s".
func minutes(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s%60 == 0:
		return fmt.Sprintf("%d min", s/60)
	default:
		return fmt.Sprintf("%d min %d s", s/60, s%60)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// curriculumSource resolves a command-line target: a path to a file, or the
// id of a built-in or configured curriculum. The library is loaded lazily,
// only when an id is given.
func curriculumSource(env *Env, target string, lib **workshop.Library) (name string, src []byte, err error) {
	if strings.HasSuffix(target, ".toml") || strings.ContainsRune(target, os.PathSeparator) {
		src, err := os.ReadFile(target)
		if err != nil {
			return "", nil, fmt.Errorf("reading curriculum: %w", err)
		}
		return target, src, nil
	}
	if *lib == nil {
		cfg, err := LoadConfig(env.ConfigPath, env.Getenv)
		if err != nil {
			return "", nil, err
		}
		if *lib, err = loadLibrary(cfg.Workshop.CurriculaDirs); err != nil {
			return "", nil, err
		}
	}
	c, err := (*lib).Get(target)
	if err != nil {
		return "", nil, fmt.Errorf("%s (to check a file, give its path ending in .toml)", workshop.ErrorMessage(err))
	}
	return c.File, c.Source, nil
}

// loadLibrary loads the built-in curricula and those in the configured
// folders. A folder that is missing or holds a broken file stops the load:
// a host must not find out at /workshop start time.
func loadLibrary(dirs []string) (*workshop.Library, error) {
	sources := []fs.FS{curricula.FS}
	for _, dir := range dirs {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return nil, fmt.Errorf("[workshop] curricula_dirs: %q is not a readable folder", dir)
		}
		sources = append(sources, os.DirFS(dir))
	}
	lib, diags := workshop.LoadLibrary(sources...)
	if diags.HasErrors() {
		var lines []string
		for _, d := range diags.Errors() {
			lines = append(lines, d.String())
		}
		return nil, errors.New("curricula have errors:\n" + strings.Join(lines, "\n"))
	}
	return lib, nil
}
