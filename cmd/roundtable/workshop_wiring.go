package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/commands"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/discord"
	"github.com/roundtable-bot/roundtable/workshop"
)

// liveWorkshops is the running workshop service: the Postgres run store and
// ledger, the Discord effector, the engine, and the durable timer worker
// that fires steps, warnings and cleanups. Close stops what it started.
type liveWorkshops struct {
	runner   *workshop.Runner
	effector *discord.WorkshopEffector
	cancel   context.CancelFunc
	done     sync.WaitGroup
	log      *slog.Logger
}

// startWorkshops wires the runner and registers the workshop commands on
// reg and router. The timer worker runs until Close.
func startWorkshops(ctx context.Context, cfg Config, d *db.DB, s *discord.Session, lib *workshop.Library,
	reg *commands.Registry, router *commands.Router, log *slog.Logger) (*liveWorkshops, error) {
	store := db.NewRunStore(d, db.RunStoreOptions{})
	hostRoles := func(guildID string) []string { return hostRoleIDs(s.State, guildID, cfg.Workshop.HostRoles) }
	effector := discord.NewWorkshopEffector(s.Session, store, discord.WorkshopEffectorOptions{
		Logger:      log,
		HostRoleIDs: hostRoles,
		Submissions: store,
	})
	runner := &workshop.Runner{
		Engine:   &workshop.Engine{RoomGrace: cfg.Workshop.RoomGrace.Duration},
		Store:    store,
		Effector: effector,
		Log:      log,
	}
	cmds, err := commands.NewWorkshop(commands.WorkshopDeps{
		Runner: runner, Store: store, Ledger: store, Library: lib, HostRoleIDs: hostRoles, Logger: log,
	})
	if err != nil {
		effector.Close()
		return nil, fmt.Errorf("workshop commands: %w", err)
	}
	cmds.Register(reg, router)

	lw := &liveWorkshops{runner: runner, effector: effector, log: log}
	workerCtx, cancel := context.WithCancel(ctx)
	lw.cancel = cancel
	worker := db.NewTimerWorker(d, lw.fire, db.TimerWorkerOptions{Name: "workshop", Logger: log})
	lw.done.Add(1)
	go func() {
		defer lw.done.Done()
		if err := worker.Run(workerCtx); err != nil {
			log.Error("timer worker stopped", "err", err)
		}
	}()
	// Effects interrupted by the last shutdown or crash are carried out now;
	// timers that came due meanwhile fire by themselves.
	if err := runner.Recover(ctx); err != nil {
		log.Warn("catching up live workshops", "err", err)
	}
	return lw, nil
}

// fire handles a durable timer: workshop timers go to the runner; a kind
// this version does not know stays queued (with backoff) rather than lost,
// in case a newer bot process shares the database.
func (lw *liveWorkshops) fire(ctx context.Context, t db.Timer) error {
	if t.Kind != db.DefaultRunTimerKind {
		return fmt.Errorf("no handler for timers of kind %q", t.Kind)
	}
	if err := lw.runner.Fire(ctx, t.Key); err != nil {
		if workshop.ErrorCode(err) == workshop.ENOTFOUND {
			lw.log.Warn("timer for a run that no longer exists", "key", t.Key)
			return nil
		}
		return err
	}
	return nil
}

// Close stops the timer worker and the effector's background work.
func (lw *liveWorkshops) Close() {
	lw.cancel()
	lw.done.Wait()
	if err := lw.effector.Close(); err != nil {
		lw.log.Warn("closing the workshop effector", "err", err)
	}
}

// hostRoleIDs turns [workshop] host_roles (ids or names) into the guild's
// role ids, asked each time so roles made or renamed while the bot runs
// count. It reads discordgo's State under its lock and copies nothing out.
func hostRoleIDs(st *discordgo.State, guildID string, configured []string) []string {
	var ids []string
	for _, r := range configured {
		if isSnowflake(r) {
			ids = append(ids, r)
		}
	}
	g, err := st.Guild(guildID) // takes the State's lock itself
	if err != nil {
		return ids
	}
	st.RLock() // GUILD_CREATE and role events rewrite g under the State's lock
	defer st.RUnlock()
	for _, role := range g.Roles {
		if slices.ContainsFunc(configured, func(name string) bool { return strings.EqualFold(name, role.Name) }) {
			ids = append(ids, role.ID)
		}
	}
	return ids
}
