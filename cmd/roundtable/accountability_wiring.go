package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/chart"
	"github.com/roundtable-bot/roundtable/commands"
	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/discord"
)

// The accountability jobs (check-in prompts, reminders, digests, nudges)
// run from one durable timer that re-arms itself every minute, so exactly
// one bot process runs each minute's sweep and a restart loses none.
const (
	sweepTimerKind = "accountability"
	sweepTimerKey  = "accountability:sweep"
	sweepEvery     = time.Minute
)

// liveAccountability is the running accountability service.
type liveAccountability struct {
	svc    *accountability.Service
	timers *db.TimerStore
	log    *slog.Logger
	// now is the clock of the sweep and the Service: time.Now in the bot,
	// a chosen instant in tests that run the sweep across days and DST.
	now func() time.Time
}

// startAccountability wires the service over the Postgres stores and the
// Discord notifier, registers its commands, its timer kind and its watch
// of support threads, and arms the minute sweep.
func startAccountability(ctx context.Context, d *db.DB, s *discord.Session,
	reg *commands.Registry, router *commands.Router, timers timerDispatch, log *slog.Logger) (*liveAccountability, error) {
	return startAccountabilityAt(ctx, d, s, reg, router, timers, log, time.Now)
}

// startAccountabilityAt is startAccountability on the clock now.
func startAccountabilityAt(ctx context.Context, d *db.DB, s *discord.Session,
	reg *commands.Registry, router *commands.Router, timers timerDispatch, log *slog.Logger, now func() time.Time) (*liveAccountability, error) {
	svc := &accountability.Service{
		Channels:    db.NewAccountabilityChannelStore(d),
		Checkins:    db.NewCheckinStore(d),
		Away:        db.NewAwayStore(d),
		Zones:       db.NewMemberZoneStore(d),
		Reminders:   db.NewReminderStore(d),
		Support:     db.NewSupportStore(d),
		Digests:     db.NewDigestStore(d),
		Notifier:    discord.NewAccountabilityNotifier(s.Session, discord.AccountabilityNotifierOptions{Logger: log}),
		DigestChart: chart.ParticipationPNG,
		Now:         now,
		Log:         log,
	}
	cmds, err := commands.NewAccountability(commands.AccountabilityDeps{Service: svc, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("accountability commands: %w", err)
	}
	cmds.Register(reg, router)

	la := &liveAccountability{svc: svc, timers: db.NewTimerStore(d), log: log, now: now}
	timers[sweepTimerKind] = la.sweep
	// A support thread is answered when someone other than the asker first
	// writes in it: the author and channel of MESSAGE_CREATE are enough, no
	// message-content intent needed.
	s.AddHandler(func(ds *discordgo.Session, m *discordgo.MessageCreate) {
		if m.Author == nil || m.Author.Bot || m.GuildID == "" {
			return
		}
		if ch, err := ds.State.Channel(m.ChannelID); err == nil && !ch.IsThread() {
			return // only threads can be support questions: spare Postgres the rest
		}
		err := svc.ObserveThreadMessage(ctx, m.ChannelID, m.Author.ID, m.Author.Bot, m.Timestamp)
		if err != nil && accountability.ErrorCode(err) != accountability.ENOTFOUND {
			log.Warn("watching a support thread", "channel", m.ChannelID, "err", err)
		}
	})
	if err := la.arm(ctx, now()); err != nil {
		return nil, err
	}
	return la, nil
}

// sweep runs every accountability job due now, then re-arms itself for the
// next minute. A job's failure is logged and retried at the next sweep (the
// jobs claim their work exactly once, so nothing is done twice).
func (la *liveAccountability) sweep(ctx context.Context, t db.Timer) error {
	now := la.now()
	jobs := []struct {
		name string
		run  func(context.Context, time.Time) (int, error)
	}{
		{"check-in prompts", la.svc.PostDuePrompts},
		{"reminders", la.svc.SweepReminders},
		{"digests", la.svc.PostDigests},
		{"support nudges", la.svc.NudgeUnanswered},
	}
	var failed error
	for _, job := range jobs {
		n, err := job.run(ctx, now)
		if err != nil {
			la.log.Warn("accountability job failed; retried next minute", "job", job.name, "err", err)
			failed = errors.Join(failed, err)
		} else if n > 0 {
			la.log.Info("accountability job", "job", job.name, "done", n)
		}
	}
	if err := la.arm(ctx, now); err != nil {
		return errors.Join(failed, err) // keep this timer: the worker retries it
	}
	return nil
}

// arm schedules the next sweep at the start of the next minute.
func (la *liveAccountability) arm(ctx context.Context, now time.Time) error {
	next := now.Truncate(sweepEvery).Add(sweepEvery)
	if err := la.timers.Schedule(ctx, db.Timer{Key: sweepTimerKey, Kind: sweepTimerKind, DueAt: next}); err != nil {
		return fmt.Errorf("arming the accountability sweep: %w", err)
	}
	return nil
}
