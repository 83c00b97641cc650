package workshop

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordingEffector carries out effects by recording them. It checks
// that each was queued in the store before it is carried out (the
// decision was stored first), and fails an effect as often as failures
// says, as a platform outage would.
type recordingEffector struct {
	t     *testing.T
	store *MemoryStore

	mu       sync.Mutex
	applied  []Effect       // carried out successfully, in order
	failures map[string]int // effect key -> failures left; -1 fails for ever
	down     bool           // every effect fails
}

var errPlatformDown = errors.New("platform answered 503")

func (f *recordingEffector) Apply(ctx context.Context, r *Run, e Effect) error {
	queued, err := f.store.PendingEffects(ctx, r.ID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(queued, func(q Effect) bool { return q.Key() == e.Key() }) {
		f.t.Errorf("effect %s carried out before it was stored", e.Key())
	}
	// The run an effect is carried out with must already be stored; the
	// store may hold a newer one when another action came in meanwhile.
	if saved, err := f.store.FindRun(ctx, r.ID); err != nil || saved.Seq < r.Seq {
		f.t.Errorf("effect %s carried out for a run that is not stored yet (%v)", e.Key(), err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errPlatformDown
	}
	if n := f.failures[e.Key()]; n != 0 {
		if n > 0 {
			f.failures[e.Key()] = n - 1
		}
		return errPlatformDown
	}
	f.applied = append(f.applied, e)
	return nil
}

func (f *recordingEffector) keys() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, e := range f.applied {
		out = append(out, e.Key())
	}
	return out
}

// fixedClock is the runner's clock, moved by the test.
type fixedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fixedClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

type runnerEnv struct {
	rn    *Runner
	store *MemoryStore
	fx    *recordingEffector
	clock *fixedClock
	c     *Curriculum
}

func newRunnerEnv(t *testing.T) *runnerEnv {
	store := NewMemoryStore()
	clock := &fixedClock{now: t0}
	fx := &recordingEffector{t: t, store: store, failures: map[string]int{}}
	return &runnerEnv{
		rn:    &Runner{Engine: &Engine{}, Store: store, Effector: fx, Now: clock.Now},
		store: store, fx: fx, clock: clock, c: loadShipped(t, "design-thinking"),
	}
}

func (env *runnerEnv) start(t *testing.T, channel string) *Run {
	t.Helper()
	r, err := env.rn.Start(context.Background(), StartRequest{GuildID: "g1", MainChannelID: channel, HostID: "host", Curriculum: env.c})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	return r
}

// decided runs one decision through the runner and returns the effects
// the engine decided.
func (env *runnerEnv) decide(t *testing.T, id int64, f func(e *Engine, r *Run, now time.Time) ([]Effect, error)) ([]Effect, error) {
	t.Helper()
	var got []Effect
	err := env.rn.Do(context.Background(), id, func(e *Engine, r *Run, now time.Time) ([]Effect, error) {
		fx, err := f(e, r, now)
		got = fx
		return fx, err
	})
	return got, err
}

// platformKeys are the keys of the effects the Effector sees: timers go
// to the store instead.
func platformKeys(effects []Effect) []string {
	var out []string
	for _, e := range effects {
		switch e.(type) {
		case ScheduleTimer, CancelTimers:
			continue
		}
		out = append(out, e.Key())
	}
	return out
}

func TestRunnerCarriesOutEffectsInOrderAfterStoringTheDecision(t *testing.T) {
	env := newRunnerEnv(t)
	ctx := context.Background()
	startsAt := t0.Add(30 * time.Minute)
	run, err := env.rn.Start(ctx, StartRequest{GuildID: "g1", MainChannelID: "main", HostID: "host", Curriculum: env.c, StartsAt: startsAt})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"run:1:lobby:post", "run:1:event:create"}
	if got := env.fx.keys(); !slices.Equal(got, want) {
		t.Fatalf("Start carried out %v, want %v", got, want)
	}
	if got := env.store.TimerKeys(); !slices.Equal(got, []string{"run:1:begin"}) {
		t.Errorf("timers after Start: %v, want the begin timer in the store", got)
	}

	for _, u := range []string{"ana", "bo", "cy"} {
		if _, err := env.decide(t, run.ID, func(e *Engine, r *Run, now time.Time) ([]Effect, error) {
			return e.Join(r, u, ExperienceSome, now)
		}); err != nil {
			t.Fatalf("Join %s: %v", u, err)
		}
	}
	before := len(env.fx.keys())
	decided, err := env.decide(t, run.ID, (*Engine).Begin)
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if got, want := env.fx.keys()[before:], platformKeys(decided); !slices.Equal(got, want) {
		t.Errorf("Begin carried out\n%v\nwant the decided order\n%v", got, want)
	}
	stored, err := env.store.FindRun(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.State != RunIntro || stored.ActiveParticipants() != 3 {
		t.Errorf("stored run is %s with %d participants, want intro with 3", stored.State, stored.ActiveParticipants())
	}
	if pending, _ := env.store.PendingEffects(ctx, run.ID); len(pending) != 0 {
		t.Errorf("effects still queued after a clean drain: %v", pending)
	}
	if slices.Contains(env.store.TimerKeys(), "run:1:begin") || !slices.Contains(env.store.TimerKeys(), "run:1:intro:end") {
		t.Errorf("timers after Begin: %v, want the begin timer replaced by the intro's end", env.store.TimerKeys())
	}
}

func TestRunnerRetriesAFailedEffectExactlyOnceOnTheNextDrain(t *testing.T) {
	env := newRunnerEnv(t)
	ctx := context.Background()
	run := env.start(t, "main")
	for _, u := range []string{"ana", "bo"} {
		if _, err := env.decide(t, run.ID, func(e *Engine, r *Run, now time.Time) ([]Effect, error) {
			return e.Join(r, u, "", now)
		}); err != nil {
			t.Fatal(err)
		}
	}
	env.fx.failures["run:1:intro:post"] = 1
	before := len(env.fx.keys())
	decided, err := env.decide(t, run.ID, (*Engine).Begin)
	if !errors.Is(err, errPlatformDown) {
		t.Fatalf("Begin with the intro post failing: err = %v, want the platform's error", err)
	}
	stored, _ := env.store.FindRun(ctx, run.ID)
	if stored.State != RunIntro {
		t.Fatalf("the decision was not kept when an effect failed: state %s", stored.State)
	}
	all := platformKeys(decided)
	failedAt := slices.Index(all, "run:1:intro:post")
	if got := env.fx.keys()[before:]; !slices.Equal(got, all[:failedAt]) {
		t.Errorf("before the failure carried out %v, want %v", got, all[:failedAt])
	}
	pending, _ := env.store.PendingEffects(ctx, run.ID)
	var pendingKeys []string
	for _, e := range pending {
		pendingKeys = append(pendingKeys, e.Key())
	}
	if !slices.Equal(pendingKeys, all[failedAt:]) {
		t.Errorf("queued after the failure: %v, want the failed effect and those after it %v", pendingKeys, all[failedAt:])
	}

	if err := env.rn.Drain(ctx, run.ID); err != nil {
		t.Fatalf("Drain after the outage: %v", err)
	}
	if err := env.rn.Drain(ctx, run.ID); err != nil {
		t.Fatalf("second Drain: %v", err)
	}
	if got := env.fx.keys()[before:]; !slices.Equal(got, all) {
		t.Errorf("after retrying carried out\n%v\nwant each decided effect once, in order\n%v", got, all)
	}
}

func TestRunnerFireOfAStaleKeyChangesNothing(t *testing.T) {
	env := newRunnerEnv(t)
	ctx := context.Background()
	run := env.start(t, "main")
	for _, u := range []string{"ana", "bo", "cy", "di"} {
		if _, err := env.decide(t, run.ID, func(e *Engine, r *Run, now time.Time) ([]Effect, error) {
			return e.Join(r, u, "", now)
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := env.decide(t, run.ID, (*Engine).Begin); err != nil {
		t.Fatal(err)
	}
	saved, applied, timers := env.store.Saved(run.ID), len(env.fx.keys()), env.store.TimerKeys()

	stale := []string{
		"run:1:step:3:end",      // a step that is not running
		"run:1:step:0:warn:60s", // a step not yet begun
		"run:1:intro:end",       // fired before the intro's deadline
		"run:1:cleanup",         // the run is not over
		"run:1:begin",           // the run already began
	}
	for _, key := range stale {
		if err := env.rn.Fire(ctx, key); err != nil {
			t.Errorf("Fire(%s): %v", key, err)
		}
	}
	if env.store.Saved(run.ID) != saved {
		t.Error("a stale firing changed the stored run")
	}
	if got := env.fx.keys(); len(got) != applied {
		t.Errorf("a stale firing carried out %v", got[applied:])
	}
	if got := env.store.TimerKeys(); !slices.Equal(got, timers) {
		t.Errorf("a stale firing changed the timers: %v, were %v", got, timers)
	}
	if err := env.rn.Fire(ctx, "run:2:intro:end"); ErrorCode(err) != ENOTFOUND {
		t.Errorf("firing for a run that does not exist: %v, want not found", err)
	}
	if err := env.rn.Fire(ctx, "nonsense"); err == nil {
		t.Error("firing a malformed key succeeded")
	}

	// The same key at its due time is not stale: the first step begins.
	env.clock.Set(t0.Add(env.c.Intro.Duration))
	if err := env.rn.Fire(ctx, "run:1:intro:end"); err != nil {
		t.Fatalf("Fire at the deadline: %v", err)
	}
	stored, _ := env.store.FindRun(ctx, run.ID)
	if stored.State != RunStep || stored.StepIndex != 0 {
		t.Errorf("after the intro's end the run is %s at step %d, want step 0", stored.State, stored.StepIndex)
	}
	afterStep := env.store.Saved(run.ID)
	if err := env.rn.Fire(ctx, "run:1:intro:end"); err != nil {
		t.Fatalf("firing the intro's end again: %v", err)
	}
	if env.store.Saved(run.ID) != afterStep {
		t.Error("firing the same key twice changed the run twice")
	}
}

func TestRunnerRecoverDrainsEveryLiveRun(t *testing.T) {
	env := newRunnerEnv(t)
	ctx := context.Background()
	env.fx.down = true
	var ids []int64
	for _, ch := range []string{"a", "b", "c"} {
		r, err := env.rn.Start(ctx, StartRequest{GuildID: "g1", MainChannelID: ch, HostID: "host", Curriculum: env.c})
		if !errors.Is(err, errPlatformDown) || r == nil {
			t.Fatalf("Start during an outage: run %v, err %v; want the stored run and the platform's error", r, err)
		}
		ids = append(ids, r.ID)
	}
	// Run c ends (cancelled in the lobby) while Discord is still down; its
	// lobby post and the cancellation notice stay queued.
	if _, err := env.decide(t, ids[2], (*Engine).End); !errors.Is(err, errPlatformDown) {
		t.Fatalf("End during the outage: %v", err)
	}
	if len(env.fx.keys()) != 0 {
		t.Fatalf("effects carried out while down: %v", env.fx.keys())
	}

	env.fx.down = false
	env.fx.failures["run:2:lobby:post"] = -1 // run 2 stays broken; the others must not wait for it
	if err := env.rn.Recover(ctx); err != nil {
		t.Fatalf("Recover: %v", err)
	}
	got := env.fx.keys()
	for _, want := range []string{"run:1:lobby:post", "run:3:lobby:post", "run:3:seq:1:notice", "run:3:lobby:update"} {
		if !slices.Contains(got, want) {
			t.Errorf("Recover did not carry out %s (carried out %v)", want, got)
		}
	}
	if pending, _ := env.store.PendingEffects(ctx, ids[1]); len(pending) != 1 {
		t.Errorf("run 2's failing post should stay queued alone, queued: %v", pending)
	}
	if pending, _ := env.store.PendingEffects(ctx, ids[0]); len(pending) != 0 {
		t.Errorf("run 1 still has queued effects: %v", pending)
	}

	// Recovering again carries out only what is still queued.
	delete(env.fx.failures, "run:2:lobby:post")
	if err := env.rn.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, k := range env.fx.keys() {
		counts[k]++
	}
	for k, n := range counts {
		if n != 1 {
			t.Errorf("%s carried out %d times", k, n)
		}
	}
	if counts["run:2:lobby:post"] != 1 {
		t.Error("run 2's lobby was not posted once Discord recovered")
	}
}

func TestRunnerFailedDecisionStoresNothing(t *testing.T) {
	env := newRunnerEnv(t)
	ctx := context.Background()
	run := env.start(t, "main")
	saved, applied := env.store.Saved(run.ID), len(env.fx.keys())
	_, err := env.decide(t, run.ID, (*Engine).Begin) // nobody has joined
	if ErrorCode(err) != EINVALID {
		t.Fatalf("Begin of an empty lobby: %v, want invalid", err)
	}
	if env.store.Saved(run.ID) != saved || len(env.fx.keys()) != applied {
		t.Error("a refused decision changed the run or carried out effects")
	}
	if pending, _ := env.store.PendingEffects(ctx, run.ID); len(pending) != 0 {
		t.Errorf("a refused decision queued %v", pending)
	}
	if _, err := env.rn.Start(ctx, StartRequest{GuildID: "g1", MainChannelID: "main", HostID: "host", Curriculum: env.c}); ErrorCode(err) != ECONFLICT {
		t.Errorf("a second run in the channel: %v, want conflict", err)
	}
}

// gateEffector holds the first effect it is given until released, so a test
// can act while a Drain is in the middle of a run's effects.
type gateEffector struct {
	next    Effector
	once    sync.Once
	entered chan struct{}
	release chan struct{}
}

func (g *gateEffector) Apply(ctx context.Context, r *Run, e Effect) error {
	g.once.Do(func() {
		close(g.entered)
		<-g.release
	})
	return g.next.Apply(ctx, r, e)
}

// While one goroutine carries out a run's effects, another action on the run
// does not wait for it: its effects are carried out by the same pass, each
// exactly once.
func TestRunnerCoalescesDrainsOfOneRun(t *testing.T) {
	env := newRunnerEnv(t)
	r := env.start(t, "main")
	gate := &gateEffector{next: env.fx, entered: make(chan struct{}), release: make(chan struct{})}
	env.rn.Effector = gate

	first := make(chan error, 1)
	go func() {
		first <- env.rn.Do(context.Background(), r.ID, func(e *Engine, r *Run, now time.Time) ([]Effect, error) {
			return e.Join(r, "ana", ExperienceNew, now)
		})
	}()
	<-gate.entered
	if err := env.rn.Do(context.Background(), r.ID, func(e *Engine, r *Run, now time.Time) ([]Effect, error) {
		return e.Join(r, "ben", ExperienceSome, now)
	}); err != nil {
		t.Fatalf("second join: %v", err)
	}
	close(gate.release)
	if err := <-first; err != nil {
		t.Fatalf("first join: %v", err)
	}
	pending, err := env.store.PendingEffects(context.Background(), r.ID)
	if err != nil || len(pending) != 0 {
		t.Fatalf("still queued after both drains: %v %v", platformKeys(pending), err)
	}
	seen := map[string]int{}
	for _, k := range env.fx.keys() {
		seen[k]++
	}
	for k, n := range seen {
		if n > 1 && !strings.Contains(k, "lobby:update") {
			t.Errorf("effect %s carried out %d times", k, n)
		}
	}
	if saved, _ := env.store.FindRun(context.Background(), r.ID); saved.ActiveParticipants() != 2 {
		t.Fatalf("participants = %d, want 2", saved.ActiveParticipants())
	}
}

// batchEffector carries out a batch through the recording effector and
// fails the effects named in fail, as a BatchEffector that stops nowhere.
type batchEffector struct {
	*recordingEffector
	fail    map[string]bool
	batches int
}

func (b *batchEffector) ApplyBatch(ctx context.Context, r *Run, effects []Effect) []error {
	b.batches++
	errs := make([]error, len(effects))
	for i, e := range effects {
		if b.fail[e.Key()] {
			errs[i] = errPlatformDown
			continue
		}
		errs[i] = b.Apply(ctx, r, e)
	}
	return errs
}

// With a BatchEffector the Runner hands over every queued effect at once,
// marks done those that worked and keeps the failed ones queued.
func TestRunnerHandsQueuedEffectsToABatchEffector(t *testing.T) {
	env := newRunnerEnv(t)
	r := env.start(t, "main")
	b := &batchEffector{recordingEffector: env.fx, fail: map[string]bool{}}
	env.rn.Effector = b
	for _, who := range []string{"ana", "ben"} {
		if _, err := env.decide(t, r.ID, func(e *Engine, r *Run, now time.Time) ([]Effect, error) {
			return e.Join(r, who, ExperienceNew, now)
		}); err != nil {
			t.Fatal(err)
		}
	}
	failing := RunKeyPrefix(r.ID) + "intro:post"
	b.fail[failing] = true
	effects, err := env.decide(t, r.ID, func(e *Engine, r *Run, now time.Time) ([]Effect, error) { return e.Begin(r, now) })
	if err == nil {
		t.Fatal("the failed intro post was not reported")
	}
	if !slices.Contains(platformKeys(effects), failing) {
		t.Fatalf("Begin decided no %s: %v", failing, platformKeys(effects))
	}
	pending, _ := env.store.PendingEffects(context.Background(), r.ID)
	if keys := platformKeys(pending); len(keys) != 1 || keys[0] != failing {
		t.Fatalf("queued after the batch: %v, want only %s", keys, failing)
	}
	b.fail = map[string]bool{}
	if err := env.rn.Drain(context.Background(), r.ID); err != nil {
		t.Fatal(err)
	}
	if n := slices.Index(env.fx.keys(), failing); n < 0 {
		t.Fatalf("%s never carried out", failing)
	}
	if b.batches < 4 {
		t.Fatalf("%d batches: the Runner did not use ApplyBatch", b.batches)
	}
}
