package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing/fstest"
	"time"

	"github.com/roundtable-bot/roundtable/db"
	"github.com/roundtable-bot/roundtable/db/pgcluster"
	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/workshop"
)

var rehearseCommand = command{
	name:    "rehearse",
	summary: "dry-run a curriculum with simulated participants, faster than real time, without Discord",
	usage: `
Usage: roundtable [-config FILE] rehearse CURRICULUM [--participants N] [--speed X]

Runs a whole workshop of CURRICULUM (a built-in or configured curriculum ID,
or a path to a .toml file) against a local Discord emulator, with the real
bot, a private throwaway database and N simulated participants of mixed
experience levels (half of them in voice). The server's owner hosts: they
run /workshop start and /workshop begin; the participants join through the
lobby's Join button and pick their levels. Then the run plays X times faster
than real time to its end, rooms deleted.

No Discord token or database is needed, and nothing is left behind: the
emulator lives in this process, and the database is a PostgreSQL cluster in
a temporary folder (from this machine's PostgreSQL binaries, as the bot's
embedded database), removed on exit.

It prints:
  - the timeline: each message the bot posted, when (in the rehearsal, and
    the same moment in the live workshop), in which room, its first line;
  - the API calls by route and any 429 (rate limited) answers, with
    Discord's realistic rate limits in force;
  - the channel budget: the most channels the server held at once, against
    Discord's 500.

Prompts say {minutes} as the live workshop will ("4 minutes"); the
countdowns (<t:...:R>) follow the rehearsal's faster clock. Breakout rooms
outlive the run by [workshop] room_grace, compressed like everything else.

Example:
  $ roundtable rehearse design-thinking --participants 8 --speed 120
  $ roundtable rehearse ./my-workshop.toml
`,
	run: runRehearse,
}

// Limits of a rehearsal.
const (
	defaultRehearsalParticipants = 6
	maxRehearsalParticipants     = 100
	defaultRehearsalSpeed        = 60
)

func runRehearse(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) error {
	participants := fs.Int("participants", defaultRehearsalParticipants, "how many simulated participants join (1-100)")
	speed := fs.Float64("speed", defaultRehearsalSpeed, "how many times faster than real time the workshop runs (1-3600)")
	targets, err := parseInterspersed(fs, env, args)
	if err != nil {
		return err
	}
	switch {
	case len(targets) != 1:
		return usageError("name exactly one curriculum: an ID or a .toml file")
	case *participants < 1 || *participants > maxRehearsalParticipants:
		return usageError("--participants must be between 1 and %d; you gave %d", maxRehearsalParticipants, *participants)
	case *speed < 1 || *speed > workshop.MaxSpeed:
		return usageError("--speed must be between 1 and %d; you gave %v", workshop.MaxSpeed, *speed)
	}
	cfg, err := LoadConfig(env.ConfigPath, env.Getenv)
	if err != nil {
		return err
	}
	lib, c, err := rehearsalCurriculum(cfg, targets[0])
	if err != nil {
		return err
	}
	// The bot's own log goes to stderr, warnings only: stdout is the report.
	log := newLogger(LogConfig{Level: "warn", Format: "text"}, env.Stderr)
	r := &rehearsal{curriculum: c, participants: *participants, speed: *speed, log: log}
	r.cfg = cfg
	r.cfg.Workshop.RoomGrace = Duration{time.Duration(float64(cfg.Workshop.RoomGrace.Duration) / *speed)}
	fmt.Fprintf(env.Stdout, "Rehearsing %s (%s) with %d participants at %s real time: about %s.\n\n",
		c.Title, c.ID, *participants, speedText(*speed), minutes(time.Duration(float64(c.TotalDuration()+cfg.Workshop.RoomGrace.Duration) / *speed)))
	return r.run(ctx, lib, env.Stdout)
}

// speedText writes a speed as hosts read it: "60x".
func speedText(speed float64) string { return strconv.FormatFloat(speed, 'f', -1, 64) + "x" }

// rehearsalCurriculum resolves the command-line target to a library the
// bot serves and the curriculum in it. A file is rehearsed alone, so an ID
// it shares with a built-in curriculum (an edited copy) is no conflict.
func rehearsalCurriculum(cfg Config, target string) (*workshop.Library, *workshop.Curriculum, error) {
	if strings.HasSuffix(target, ".toml") || strings.ContainsRune(target, os.PathSeparator) {
		src, err := os.ReadFile(target)
		if err != nil {
			return nil, nil, fmt.Errorf("reading curriculum: %w", err)
		}
		name := filepath.Base(target)
		lib, diags := workshop.LoadLibrary(fstest.MapFS{name: &fstest.MapFile{Data: src, Mode: 0o644}})
		if diags.HasErrors() {
			var lines []string
			for _, d := range diags.Errors() {
				lines = append(lines, d.String())
			}
			return nil, nil, fmt.Errorf("%s has errors; fix them first ('roundtable curriculum check %s'):\n%s", target, target, strings.Join(lines, "\n"))
		}
		list := lib.List()
		if len(list) != 1 {
			return nil, nil, fmt.Errorf("%s holds no curriculum", target)
		}
		return lib, list[0], nil
	}
	lib, err := loadLibrary(cfg.Workshop.CurriculaDirs)
	if err != nil {
		return nil, nil, err
	}
	c, err := lib.Get(target)
	if err != nil {
		return nil, nil, fmt.Errorf("%s (to rehearse a file, give its path ending in .toml)", workshop.ErrorMessage(err))
	}
	return lib, c, nil
}

// rehearsal is one run of `roundtable rehearse`.
type rehearsal struct {
	cfg          Config // with the room grace compressed
	curriculum   *workshop.Curriculum
	participants int
	speed        float64
	log          *slog.Logger
}

// run sets up the emulator, the database and the bot, plays the workshop
// and prints the report; everything it started is stopped on return.
func (r *rehearsal) run(ctx context.Context, lib *workshop.Library, out io.Writer) error {
	e, err := discordtest.NewServer(discordtest.WithProfile("realistic"), discordtest.WithMembers(r.participants))
	if err != nil {
		return fmt.Errorf("building the emulator: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listening for the emulator: %w", err)
	}
	e.Start(ln)
	defer e.Close()

	d, closeDB, err := openThrowawayDatabase(ctx, r.log)
	if err != nil {
		return err
	}
	defer closeDB()

	seed := e.Seed()
	bot, err := startEmulatedBot(ctx, r.cfg, d, lib, emulatedBotOptions{
		APIBase: "http://" + ln.Addr().String(), Token: seed.Token, GuildIDs: []string{seed.GuildID}, Speed: r.speed,
	}, r.log)
	if err != nil {
		return fmt.Errorf("starting the bot: %w", err)
	}
	defer bot.Close()

	played, err := playWorkshop(ctx, e, d, r.curriculum, r.participants, r.speed, r.cfg.Workshop.RoomGrace.Duration)
	if err != nil {
		return err
	}
	played.report(out, e, r.curriculum, r.speed, r.cfg.Workshop.RoomGrace.Duration)
	if failed := e.FailedInteractions(); len(failed) > 0 {
		return fmt.Errorf("%d interactions failed for members (no answer within Discord's 3 s): %+v", len(failed), failed)
	}
	return nil
}

// playedWorkshop is what playWorkshop leaves for the report.
type playedWorkshop struct {
	cast  *cast
	runID int64
	begun time.Time // when the host ran /workshop begin
	ended time.Time // when the run was over and its rooms gone
	log   *rehearsalLog
}

// playWorkshop has the host start curriculum, n participants join, the
// host begin, and waits until the run has ended and its rooms are gone.
func playWorkshop(ctx context.Context, e *discordtest.Emulator, d *db.DB, c *workshop.Curriculum, n int, speed float64, grace time.Duration) (*playedWorkshop, error) {
	people, err := newCast(e, n)
	if err != nil {
		return nil, err
	}
	before := e.Channels(people.seed.GuildID)
	id, err := people.startWorkshop(c.ID)
	if err != nil {
		return nil, err
	}
	runID, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("the lobby names run %q: %w", id, err)
	}
	if err := people.assemble(id); err != nil {
		return nil, err
	}
	begun := time.Now()
	if _, err := people.command(people.host, "workshop begin", nil, people.seed.TextChannelID); err != nil {
		return nil, err
	}
	// Everything after the intro is compressed; the margin covers Discord's
	// rate limits, which are not.
	budget := time.Duration(float64(c.TotalDuration()+grace)/max(speed, 1)) + time.Minute
	if err := waitForCleanEnd(ctx, d, e, runID, len(before), budget); err != nil {
		return nil, err
	}
	return &playedWorkshop{cast: people, runID: runID, begun: begun, ended: time.Now(),
		log: newRehearsalLog(e.Requests(), before, people.usernames())}, nil
}

// waitForCleanEnd waits until run id is over, its effects all carried out
// and the server is back to its channels from before (the rooms deleted).
func waitForCleanEnd(ctx context.Context, d *db.DB, e *discordtest.Emulator, id int64, channels int, budget time.Duration) error {
	store := db.NewRunStore(d, db.RunStoreOptions{})
	guild := e.Seed().GuildID
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	state := "not yet begun"
	for {
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("the workshop did not finish within %s (it was %s)", budget.Round(time.Second), state)
			}
			return ctx.Err()
		case <-tick.C:
		}
		run, err := store.FindRun(ctx, id)
		if err != nil {
			continue // a cancelled context is reported above
		}
		state = string(run.State)
		if !run.State.Over() || !run.RoomsDeleted || len(e.Channels(guild)) != channels {
			continue
		}
		pending, err := store.PendingEffects(ctx, id)
		if err == nil && len(pending) == 0 {
			return nil
		}
	}
}

// openThrowawayDatabase starts a private PostgreSQL cluster in a new
// temporary folder and migrates it; closing it stops the server and
// removes the folder.
func openThrowawayDatabase(ctx context.Context, log *slog.Logger) (*db.DB, func(), error) {
	dir, err := os.MkdirTemp("", "roundtable-rehearsal-")
	if err != nil {
		return nil, nil, fmt.Errorf("making a folder for the rehearsal's database: %w", err)
	}
	cluster, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: dir, Logger: log, Ephemeral: true})
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("starting the rehearsal's database: %w", err)
	}
	stop := func() {
		// A fresh context: the caller's may be cancelled (Ctrl-C), and the
		// server must still stop before its folder goes.
		if err := cluster.Stop(context.Background()); err != nil {
			log.Warn("stopping the rehearsal's database", "err", err)
		}
		if err := os.RemoveAll(dir); err != nil {
			log.Warn("removing the rehearsal's database folder", "dir", dir, "err", err)
		}
	}
	d, err := db.Open(ctx, cluster.URL())
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("connecting to the rehearsal's database: %w", err)
	}
	if err := db.Migrate(ctx, d); err != nil {
		d.Close()
		stop()
		return nil, nil, fmt.Errorf("migrating the rehearsal's database: %w", err)
	}
	return d, func() {
		if err := d.Close(); err != nil {
			log.Warn("closing the rehearsal's database", "err", err)
		}
		stop()
	}, nil
}

// report prints the timeline, the API calls and the channel budget.
func (p *playedWorkshop) report(w io.Writer, e *discordtest.Emulator, c *workshop.Curriculum, speed float64, grace time.Duration) {
	fmt.Fprintln(w, "Participants:")
	for _, m := range p.cast.members {
		where := "not in voice"
		if m.InVoice {
			where = "in voice"
		}
		fmt.Fprintf(w, "  %-12s level %-11s %s\n", m.Username, m.Level, where)
	}
	fmt.Fprintln(w)
	printRehearsalTimeline(w, p.log.posts(), p.begun, speed)
	fmt.Fprintln(w)
	printAPICalls(w, e.RateLimiter().Stats(), p.log.refusals())
	fmt.Fprintln(w)
	printChannelBudget(w, p.log)
	printVoice(w, p.log, p.cast)
	planned := time.Duration(float64(c.TotalDuration())/speed) + grace
	took := p.ended.Sub(p.begun)
	fmt.Fprintf(w, "Pace: planned %s at %s (with the rooms' grace), took %s.", offset(planned), speedText(speed), offset(took))
	if took > planned+planned/10+time.Second {
		fmt.Fprint(w, " Discord's rate limits (e.g. 5 messages per 5 s in a channel) do not speed up with the clock; a lower --speed gives a truer timeline.")
	}
	fmt.Fprintln(w)
}
