package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/commands"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/discord"
	"github.com/roundtable-bot/roundtable/workshop"
)

// liveWorkshops is the running workshop service: the Postgres run store and
// ledger, the Discord effector and the engine; its timers (steps, warnings,
// cleanups) reach it through the shared timer worker. Close stops the
// effector's background work.
type liveWorkshops struct {
	runner   *workshop.Runner
	effector *discord.WorkshopEffector
	log      *slog.Logger
}

// startWorkshops wires the runner, registers the workshop commands on reg
// and router and its timer kind on timers, and catches up live runs.
func startWorkshops(ctx context.Context, cfg Config, d *db.DB, s *discord.Session, lib *workshop.Library,
	reg *commands.Registry, router *commands.Router, timers timerDispatch, log *slog.Logger) (*liveWorkshops, error) {
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
	timers[db.DefaultRunTimerKind] = lw.fire
	// Effects interrupted by the last shutdown or crash are carried out now;
	// timers that came due meanwhile fire by themselves.
	if err := runner.Recover(ctx); err != nil {
		log.Warn("catching up live workshops", "err", err)
	}
	// Rooms of runs that are over but that the ledger cannot reach (a
	// database restored from a backup, a crash between making a room and
	// recording it) are deleted now; Recover has just deleted the rest.
	// A run still needs its rooms until it is over and its DeleteRooms
	// was emitted; a run the database does not have needs nothing.
	runNeedsRooms := func(ctx context.Context, runID int64) (bool, error) {
		r, err := store.FindRun(ctx, runID)
		if workshop.ErrorCode(err) == workshop.ENOTFOUND {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return !(r.State.Over() && r.RoomsDeleted), nil
	}
	if n, err := effector.SweepOrphans(ctx, nil, runNeedsRooms); err != nil {
		log.Warn("deleting rooms left by finished workshops", "deleted", n, "err", err)
	} else if n > 0 {
		log.Info("deleted rooms left by finished workshops", "deleted", n)
	}
	return lw, nil
}

// fire applies a run's timer; a timer whose run is gone is dropped. When
// carrying out the step fails for a reason the host can fix (a missing
// permission, a full server), the host is told in the main channel, once;
// the worker retries the timer, and the step completes once it is fixed.
// Discord or Postgres having a bad moment is only retried.
func (lw *liveWorkshops) fire(ctx context.Context, t db.Timer) error {
	err := lw.runner.Fire(ctx, t.Key)
	if err == nil {
		return nil
	}
	if workshop.ErrorCode(err) == workshop.ENOTFOUND {
		lw.log.Warn("timer for a run that no longer exists", "key", t.Key)
		return nil
	}
	if hostCanFix(err) {
		lw.tellHost(ctx, t.Key, err)
	}
	return err
}

// hostCanFix reports whether err says, in words for members, something a
// host or server admin can act on, rather than a passing failure.
func hostCanFix(err error) bool {
	var dom *workshop.Error
	return errors.As(err, &dom) && dom.Code != workshop.EUNAVAILABLE
}

// tellHost tells the host of the timer's run what is stuck.
func (lw *liveWorkshops) tellHost(ctx context.Context, timerKey string, cause error) {
	t, err := workshop.ParseTimerKey(timerKey)
	if err == nil {
		var r *workshop.Run
		if r, err = lw.runner.Store.FindRun(ctx, t.RunID); err == nil {
			err = lw.effector.TellHost(ctx, r, "**"+r.Curriculum.Title+"** is stuck: "+workshop.ErrorMessage(cause)+
				" Once that is fixed there is nothing else to do: I keep retrying, and the workshop carries on by itself.")
		}
	}
	if err != nil {
		lw.log.Warn("telling the host a workshop step is stuck", "key", timerKey, "err", err, "cause", cause)
	}
}

// Close stops the effector's background work (pending lobby updates are
// shown first).
func (lw *liveWorkshops) Close() {
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
