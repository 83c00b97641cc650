package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3"; a
// build from a checkout reports the module version or "devel".
var version = ""

var versionCommand = command{
	name:    "version",
	summary: "print the version of roundtable and of Go it was built with",
	usage: `
Usage: roundtable version

Prints roundtable's version, the Go version and the platform.

Example:
  $ roundtable version
  roundtable devel (go1.26.8 linux/amd64)
`,
	run: runVersion,
}

func runVersion(_ context.Context, env *Env, fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("takes no arguments")
	}
	fmt.Fprintf(env.Stdout, "roundtable %s (%s %s/%s)\n", buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}
