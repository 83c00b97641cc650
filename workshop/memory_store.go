package workshop

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// MemoryStore is a RunStore in memory with the Postgres store's behaviour
// (upspin's inprocess idea), for tests of the Runner and of the commands
// that drive it: runs are kept as saved JSON, so every load is a fresh copy
// and a refused decision leaves nothing behind; timers are a table fed by
// ScheduleTimer and CancelTimers; every other effect is queued in an
// outbox until CompleteEffect. The zero value is not usable: use
// NewMemoryStore.
type MemoryStore struct {
	mu          sync.Mutex
	nextID      int64
	runs        map[int64][]byte
	curricula   map[int64]*Curriculum
	outbox      map[int64][]Effect
	timers      timerTable
	submissions []Submission
	commitErr   error
}

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{runs: map[int64][]byte{}, curricula: map[int64]*Curriculum{},
		outbox: map[int64][]Effect{}, timers: timerTable{}}
}

// FailCommits makes every later UpdateRun fail with err after its decision
// was made, as a connection lost at commit would (nil heals it).
func (s *MemoryStore) FailCommits(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commitErr = err
}

// ReserveRunID implements RunStore.
func (s *MemoryStore) ReserveRunID(context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	return s.nextID, nil
}

// CreateRun implements RunStore.
func (s *MemoryStore) CreateRun(_ context.Context, r *Run, effects []Effect) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.liveInChannelLocked(r.GuildID, r.MainChannelID); err == nil {
		return Errorf(ECONFLICT, "This channel already has a workshop. End it first, or start the new one in another channel.")
	}
	if err := s.saveLocked(r); err != nil {
		return err
	}
	s.curricula[r.ID] = r.Curriculum
	s.queueLocked(r.ID, effects)
	return nil
}

// UpdateRun implements RunStore.
func (s *MemoryStore) UpdateRun(_ context.Context, id int64, decide func(*Run) ([]Effect, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.loadLocked(id)
	if err != nil {
		return err
	}
	effects, err := decide(r)
	if err != nil {
		return err
	}
	if s.commitErr != nil {
		return s.commitErr
	}
	if err := s.saveLocked(r); err != nil {
		return err
	}
	s.queueLocked(id, effects)
	return nil
}

// FindRun implements RunStore.
func (s *MemoryStore) FindRun(_ context.Context, id int64) (*Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loadLocked(id)
}

// LiveRunInChannel implements RunStore.
func (s *MemoryStore) LiveRunInChannel(_ context.Context, guildID, channelID string) (*Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.liveInChannelLocked(guildID, channelID)
}

func (s *MemoryStore) liveInChannelLocked(guildID, channelID string) (*Run, error) {
	for id := range s.runs {
		r, err := s.loadLocked(id)
		if err != nil {
			return nil, err
		}
		if r.GuildID == guildID && r.MainChannelID == channelID && !r.State.Over() {
			return r, nil
		}
	}
	return nil, Errorf(ENOTFOUND, "No workshop in this channel.")
}

// LiveRunIDs implements RunStore.
func (s *MemoryStore) LiveRunIDs(context.Context) ([]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []int64
	for id := range s.runs {
		r, err := s.loadLocked(id)
		if err != nil {
			return nil, err
		}
		if !r.State.Over() || !r.RoomsDeleted {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// RecentRuns implements RunStore.
func (s *MemoryStore) RecentRuns(_ context.Context, guildID string, limit int) ([]*Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Run
	for id := range s.runs {
		r, err := s.loadLocked(id)
		if err != nil {
			return nil, err
		}
		if r.GuildID == guildID {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *Run) int { return int(b.ID - a.ID) })
	return out[:min(limit, len(out))], nil
}

// SaveSubmission implements RunStore: a group's new submission for a step
// replaces its earlier one (a solo step's, the author's).
func (s *MemoryStore) SaveSubmission(_ context.Context, sub Submission) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.submissions = slices.DeleteFunc(s.submissions, func(old Submission) bool {
		return old.RunID == sub.RunID && old.StepIndex == sub.StepIndex && old.Formation == sub.Formation &&
			old.Group == sub.Group && (sub.Group > 0 || old.AuthorID == sub.AuthorID)
	})
	s.submissions = append(s.submissions, sub)
	return nil
}

// Submissions implements RunStore.
func (s *MemoryStore) Submissions(_ context.Context, runID int64) ([]Submission, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Submission
	for _, sub := range s.submissions {
		if sub.RunID == runID {
			out = append(out, sub)
		}
	}
	return out, nil
}

// AllSubmissions returns every run's submissions, in the order saved.
func (s *MemoryStore) AllSubmissions() []Submission {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.submissions)
}

// PendingEffects implements RunStore.
func (s *MemoryStore) PendingEffects(_ context.Context, runID int64) ([]Effect, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.outbox[runID]), nil
}

// CompleteEffect implements RunStore.
func (s *MemoryStore) CompleteEffect(_ context.Context, runID int64, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.outbox[runID]
	i := slices.IndexFunc(q, func(e Effect) bool { return e.Key() == key })
	if i < 0 {
		return Errorf(ENOTFOUND, "No queued effect %q.", key)
	}
	s.outbox[runID] = slices.Delete(q, i, i+1)
	return nil
}

// Saved is the stored JSON of run id, to compare before and after.
func (s *MemoryStore) Saved(id int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.runs[id])
}

// TimerKeys lists the scheduled timers' keys, sorted.
func (s *MemoryStore) TimerKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.timers {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// queueLocked applies timer effects to the timer table and queues the
// rest; a newer UpdateLobby replaces a queued one (the adapter coalesces
// them anyway and always shows the latest values).
func (s *MemoryStore) queueLocked(runID int64, effects []Effect) {
	for _, e := range effects {
		if s.timers.apply(e) {
			continue
		}
		if _, ok := e.(UpdateLobby); ok {
			s.outbox[runID] = slices.DeleteFunc(s.outbox[runID], func(q Effect) bool { return q.Key() == e.Key() })
		}
		s.outbox[runID] = append(s.outbox[runID], e)
	}
}

// timerTable is the timers a store holds, by key: what ScheduleTimer and
// CancelTimers change.
type timerTable map[string]time.Time

// apply carries out e on the table when it is a timer effect, and reports
// whether it was one.
func (t timerTable) apply(e Effect) bool {
	switch e := e.(type) {
	case ScheduleTimer:
		t[e.Timer.Key()] = e.Timer.Due
		return true
	case CancelTimers:
		for k := range t {
			if strings.HasPrefix(k, e.Prefix) {
				delete(t, k)
			}
		}
		return true
	}
	return false
}

func (s *MemoryStore) saveLocked(r *Run) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("save run %d: %w", r.ID, err)
	}
	s.runs[r.ID] = data
	return nil
}

func (s *MemoryStore) loadLocked(id int64) (*Run, error) {
	data, ok := s.runs[id]
	if !ok {
		return nil, Errorf(ENOTFOUND, "No workshop %d.", id)
	}
	var r Run
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("load run %d: %w", id, err)
	}
	r.Curriculum = s.curricula[id]
	return &r, nil
}
