package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/roundtable-bot/roundtable/commands"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/discord"
	"github.com/roundtable-bot/roundtable/workshop"
)

// emulatedBot is the bot wired as `roundtable run` wires it (the Discord
// session, the slash commands and their router, the workshop service with
// its durable timer worker) but pointed at an emulator and given a speed
// for the runs it starts. Rehearsals and the end-to-end tests use it, so
// they exercise the very wiring the bot runs with.
type emulatedBot struct {
	session   *discord.Session
	router    *commands.Router
	workshops *liveWorkshops
	timers    *timerWorker
	log       *slog.Logger
}

// emulatedBotOptions says where the emulator is and how to run.
type emulatedBotOptions struct {
	APIBase  string // scheme and host of the emulator
	Token    string
	GuildIDs []string // where the slash commands are registered
	// Speed compresses every run the bot starts (workshop.Engine.Speed);
	// 0 is real time.
	Speed float64
}

// startEmulatedBot connects to the emulator and starts serving; Close
// stops it. Like `roundtable run`, it first catches up on the runs the
// database holds (a restarted bot resumes them).
func startEmulatedBot(ctx context.Context, cfg Config, d *db.DB, lib *workshop.Library, opts emulatedBotOptions, log *slog.Logger) (*emulatedBot, error) {
	if !workshop.ValidSpeed(opts.Speed) {
		return nil, fmt.Errorf("speed %v: must be between 1 and %d", opts.Speed, workshop.MaxSpeed)
	}
	session, err := discord.Connect(ctx, discord.Options{Token: opts.Token, APIBase: opts.APIBase, Logger: log})
	if err != nil {
		return nil, err
	}
	registry := commands.NewRegistry()
	commands.DefineHelp(registry)
	router := commands.NewRouter(commands.RouterOptions{Logger: log})
	dispatch := timerDispatch{}
	workshops, err := startWorkshops(ctx, cfg, d, session, lib, registry, router, dispatch, log)
	if err != nil {
		session.Close()
		return nil, err
	}
	// The speed is set before the router is handed its first event
	// (AddHandler below publishes it under discordgo's lock), so every
	// /workshop start reads it; nothing else reads Engine.Speed.
	workshops.runner.Engine.Speed = opts.Speed
	b := &emulatedBot{session: session, router: router, workshops: workshops, log: log}
	b.timers = startTimerWorker(ctx, d, dispatch, log)
	registry.Install(router)
	session.AddHandler(router.Handle)
	if err := registry.Register(ctx, session.Session, session.ApplicationID, opts.GuildIDs); err != nil {
		b.Close()
		return nil, fmt.Errorf("registering slash commands: %w", err)
	}
	return b, nil
}

// Close stops the bot in the order `roundtable run` does: no new events,
// the handlers in flight finish, then the timer worker and the effector.
func (b *emulatedBot) Close() {
	if err := b.session.Close(); err != nil {
		b.log.Warn("closing the Discord session", "err", err)
	}
	b.router.Wait()
	b.timers.Close()
	b.workshops.Close()
}
