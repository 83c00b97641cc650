package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/roundtable-bot/roundtable/commands"
	"github.com/roundtable-bot/roundtable/discord"
)

var runCommand = command{
	name:    "run",
	summary: "run the bot: connect to Discord and serve workshops until interrupted",
	usage: `
Usage: roundtable [-config FILE] run

Runs the bot until interrupted (Ctrl-C or SIGTERM). It reads the bot token
from the DISCORD_TOKEN environment variable. With no DATABASE_URL and no
[database] url it starts its own PostgreSQL cluster in [database] data_dir
(from this machine's PostgreSQL binaries) and stops it on exit. It migrates
the database, loads the curricula, and connects to Discord.

Example:
  $ export DISCORD_TOKEN=MTA...   # Developer Portal > your app > Bot > Reset Token
  $ roundtable run
`,
	run: runBot,
}

// missingTokenHelp is what a newcomer sees when they start the bot without a
// token: exactly the steps to get one.
const missingTokenHelp = `DISCORD_TOKEN is not set.

To get a bot token:
  1. Open https://discord.com/developers/applications and choose "New Application".
  2. Under "Bot", choose "Reset Token" and copy the token.
  3. Invite the bot to your server with the URL given in README.md ("Invite the bot").
  4. Put the token in the environment (never in bot.toml):
       export DISCORD_TOKEN=your-token
     then run 'roundtable run' again.

To try Roundtable without Discord, run 'roundtable emulator' and point
[discord] api_base at the address it prints.`

func runBot(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("takes no arguments")
	}
	cfg, err := LoadConfig(env.ConfigPath, env.Getenv)
	if err != nil {
		return err
	}
	token := strings.TrimSpace(strings.TrimPrefix(env.Getenv("DISCORD_TOKEN"), "Bot "))
	if token == "" {
		return &exitError{code: 2, err: fmt.Errorf("%s", missingTokenHelp)}
	}
	log := newLogger(cfg.Log, env.Stderr)
	log.Info("starting roundtable", "version", buildVersion(), "config", cfg.Source)

	library, err := loadLibrary(cfg.Workshop.CurriculaDirs)
	if err != nil {
		return err
	}
	log.Info("curricula loaded", "count", len(library.List()))

	metrics, err := startMetrics(cfg.Metrics.Listen, log)
	if err != nil {
		return err
	}
	defer metrics.Close()

	d, err := openDatabase(ctx, cfg.Database, log)
	if err != nil {
		return err
	}
	defer d.Close()

	session, err := discord.Connect(ctx, discord.Options{Token: token, APIBase: cfg.Discord.APIBase, Logger: log})
	if err != nil {
		return err
	}
	log.Info("connected to Discord", "user", session.State.User.Username, "guilds", len(session.State.Guilds))

	registry := commands.NewRegistry()
	commands.DefineHelp(registry)
	router := commands.NewRouter(commands.RouterOptions{Logger: log})
	timers := timerDispatch{}
	workshops, err := startWorkshops(ctx, cfg, d.DB, session, library, registry, router, timers, log)
	if err != nil {
		session.Close()
		return err
	}
	if _, err := startAccountability(ctx, d.DB, session, registry, router, timers, log); err != nil {
		workshops.Close()
		session.Close()
		return err
	}
	worker := startTimerWorker(ctx, d.DB, timers, log)
	// Shut down in the order work flows: no new events, then the handlers
	// in flight finish, then the timer worker and the effector stop; the
	// database closes last (deferred above).
	defer func() {
		if err := session.Close(); err != nil {
			log.Warn("closing the Discord session", "err", err)
		}
		router.Wait()
		worker.Close()
		workshops.Close()
	}()
	registry.Install(router)
	session.AddHandler(router.Handle)
	if err := registry.Register(ctx, session.Session, session.ApplicationID, cfg.Discord.GuildIDs); err != nil {
		return fmt.Errorf("registering slash commands: %w", err)
	}
	log.Info("slash commands registered", "guilds", cfg.Discord.GuildIDs)

	select {
	case <-ctx.Done():
		log.Info("shutting down")
		return nil
	case err := <-session.Fatal():
		return err
	}
}
