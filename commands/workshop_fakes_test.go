package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

// In-memory stand-ins for the db and discord adapters, with their real
// behaviour (upspin's inprocess idea), so the workshop commands are tested
// through the emulator without Postgres or the Discord adapter.

// wsStore is a workshop.RunStore in memory: runs kept as saved JSON (every
// load is a fresh copy, a refused decision leaves nothing behind), timers
// in a table, other effects queued until completed.
type wsStore struct {
	mu          sync.Mutex
	nextID      int64
	runs        map[int64][]byte
	curricula   map[int64]*workshop.Curriculum
	outbox      map[int64][]workshop.Effect
	timers      map[string]time.Time
	submissions []workshop.Submission
	// commitErr, when set, fails every UpdateRun after decide succeeded,
	// as a lost database connection at commit would.
	commitErr error
}

func newWSStore() *wsStore {
	return &wsStore{runs: map[int64][]byte{}, curricula: map[int64]*workshop.Curriculum{},
		outbox: map[int64][]workshop.Effect{}, timers: map[string]time.Time{}}
}

func (s *wsStore) ReserveRunID(context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	return s.nextID, nil
}

func (s *wsStore) CreateRun(_ context.Context, r *workshop.Run, effects []workshop.Effect) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.liveInChannelLocked(r.GuildID, r.MainChannelID); err == nil {
		return workshop.Errorf(workshop.ECONFLICT, "This channel already has a workshop. End it first, or start the new one in another channel.")
	}
	if err := s.saveLocked(r); err != nil {
		return err
	}
	s.curricula[r.ID] = r.Curriculum
	s.queueLocked(r.ID, effects)
	return nil
}

func (s *wsStore) UpdateRun(_ context.Context, id int64, decide func(*workshop.Run) ([]workshop.Effect, error)) error {
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

func (s *wsStore) FindRun(_ context.Context, id int64) (*workshop.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loadLocked(id)
}

func (s *wsStore) LiveRunInChannel(_ context.Context, guildID, channelID string) (*workshop.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.liveInChannelLocked(guildID, channelID)
}

func (s *wsStore) liveInChannelLocked(guildID, channelID string) (*workshop.Run, error) {
	for id := range s.runs {
		r, err := s.loadLocked(id)
		if err != nil {
			return nil, err
		}
		if r.GuildID == guildID && r.MainChannelID == channelID && !r.State.Over() {
			return r, nil
		}
	}
	return nil, workshop.Errorf(workshop.ENOTFOUND, "No workshop in this channel.")
}

func (s *wsStore) LiveRunIDs(context.Context) ([]int64, error) {
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

func (s *wsStore) RecentRuns(_ context.Context, guildID string, limit int) ([]*workshop.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*workshop.Run
	for id := range s.runs {
		r, err := s.loadLocked(id)
		if err != nil {
			return nil, err
		}
		if r.GuildID == guildID {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *workshop.Run) int { return int(b.ID - a.ID) })
	return out[:min(limit, len(out))], nil
}

func (s *wsStore) SaveSubmission(_ context.Context, sub workshop.Submission) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.submissions = slices.DeleteFunc(s.submissions, func(old workshop.Submission) bool {
		return old.RunID == sub.RunID && old.StepIndex == sub.StepIndex && old.Formation == sub.Formation &&
			old.Group == sub.Group && (sub.Group > 0 || old.AuthorID == sub.AuthorID)
	})
	s.submissions = append(s.submissions, sub)
	return nil
}

func (s *wsStore) Submissions(_ context.Context, runID int64) ([]workshop.Submission, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []workshop.Submission
	for _, sub := range s.submissions {
		if sub.RunID == runID {
			out = append(out, sub)
		}
	}
	return out, nil
}

func (s *wsStore) PendingEffects(_ context.Context, runID int64) ([]workshop.Effect, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.outbox[runID]), nil
}

func (s *wsStore) CompleteEffect(_ context.Context, runID int64, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.outbox[runID]
	i := slices.IndexFunc(q, func(e workshop.Effect) bool { return e.Key() == key })
	if i < 0 {
		return workshop.Errorf(workshop.ENOTFOUND, "No queued effect %q.", key)
	}
	s.outbox[runID] = slices.Delete(q, i, i+1)
	return nil
}

func (s *wsStore) queueLocked(runID int64, effects []workshop.Effect) {
	for _, e := range effects {
		switch e := e.(type) {
		case workshop.ScheduleTimer:
			s.timers[e.Timer.Key()] = e.Timer.Due
			continue
		case workshop.CancelTimers:
			for k := range s.timers {
				if strings.HasPrefix(k, e.Prefix) {
					delete(s.timers, k)
				}
			}
			continue
		case workshop.UpdateLobby:
			s.outbox[runID] = slices.DeleteFunc(s.outbox[runID], func(q workshop.Effect) bool { return q.Key() == e.Key() })
		}
		s.outbox[runID] = append(s.outbox[runID], e)
	}
}

func (s *wsStore) saveLocked(r *workshop.Run) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("save run %d: %w", r.ID, err)
	}
	s.runs[r.ID] = data
	return nil
}

func (s *wsStore) loadLocked(id int64) (*workshop.Run, error) {
	data, ok := s.runs[id]
	if !ok {
		return nil, workshop.Errorf(workshop.ENOTFOUND, "No workshop %d.", id)
	}
	var r workshop.Run
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("load run %d: %w", id, err)
	}
	r.Curriculum = s.curricula[id]
	return &r, nil
}

func (s *wsStore) allSubmissions() []workshop.Submission {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.submissions)
}

// wsLedger is a workshop.Ledger in memory.
type wsLedger struct {
	mu      sync.Mutex
	entries map[int64]map[string]string
}

func (l *wsLedger) Lookup(_ context.Context, runID int64, key string) (string, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.entries[runID][key]
	return v, ok, nil
}

func (l *wsLedger) Record(_ context.Context, runID int64, key, value string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.entries == nil {
		l.entries = map[int64]map[string]string{}
	}
	if l.entries[runID] == nil {
		l.entries[runID] = map[string]string{}
	}
	l.entries[runID][key] = value
	return nil
}

func (l *wsLedger) Entries(_ context.Context, runID int64, prefix string) (map[string]string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]string{}
	for k, v := range l.entries[runID] {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	return out, nil
}

// wsEffector records every effect and plays the Discord adapter's part
// just enough for members to act: it posts the lobby and prompts with the
// buttons the real adapter writes, and makes a text room per group
// (recorded in the ledger, as the adapter does).
type wsEffector struct {
	s      *discordgo.Session
	ledger *wsLedger

	mu      sync.Mutex
	applied []workshop.Effect
}

func (f *wsEffector) Apply(ctx context.Context, r *workshop.Run, e workshop.Effect) error {
	if v, ok, _ := f.ledger.Lookup(ctx, r.ID, e.Key()); ok && v != "" {
		return nil // carried out before
	}
	done := "done"
	switch e := e.(type) {
	case workshop.PostLobby:
		id, err := f.post(ctx, r.MainChannelID, "**"+e.Title+"**\n"+e.Summary,
			wsButton("Join", "rt1:ws.join:"+strconv.FormatInt(r.ID, 10)), wsButton("Leave", "rt1:ws.leave:"+strconv.FormatInt(r.ID, 10)))
		if err != nil {
			return err
		}
		done = id
	case workshop.CreateRooms:
		for _, g := range e.Groups {
			ch, err := f.s.GuildChannelCreate(r.GuildID, fmt.Sprintf("run-%d-group-%d", r.ID, g.Number), discordgo.ChannelTypeGuildText, discordgo.WithContext(ctx))
			if err != nil {
				return NeedsPermission(discordgo.PermissionManageChannels, fmt.Errorf("create room: %w", err))
			}
			if err := f.ledger.Record(ctx, r.ID, workshop.RoomRef{Formation: e.Formation, Group: g.Number}.String(), ch.ID); err != nil {
				return err
			}
		}
	case workshop.PostRoomChoice:
		var buttons []discordgo.MessageComponent
		for _, g := range e.Groups {
			buttons = append(buttons, wsButton(g.Name, fmt.Sprintf("rt1:ws.room:%d:%d", r.ID, g.Number)))
		}
		id, err := f.post(ctx, r.MainChannelID, "Pick a room", buttons...)
		if err != nil {
			return err
		}
		done = id
	case workshop.PostPrompt:
		channel, err := f.channelOf(ctx, r, e.Room)
		if err != nil {
			return err
		}
		var buttons []discordgo.MessageComponent
		if e.Submit {
			buttons = append(buttons, wsButton("Submit", fmt.Sprintf("rt1:ws.submit:%d:%d", r.ID, e.StepIndex)))
		}
		if e.Help {
			buttons = append(buttons, wsButton("Ask for help", fmt.Sprintf("rt1:ws.help:%d", r.ID)))
		}
		id, err := f.post(ctx, channel, e.Text, buttons...)
		if err != nil {
			return err
		}
		done = id
	}
	if err := f.ledger.Record(ctx, r.ID, e.Key(), done); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applied = append(f.applied, e)
	return nil
}

func (f *wsEffector) channelOf(ctx context.Context, r *workshop.Run, room workshop.RoomRef) (string, error) {
	if room.IsMain() {
		return r.MainChannelID, nil
	}
	id, ok, err := f.ledger.Lookup(ctx, r.ID, room.String())
	if err != nil || !ok {
		return "", fmt.Errorf("no channel for %s (%v)", room, err)
	}
	return id, nil
}

func (f *wsEffector) post(ctx context.Context, channelID, text string, buttons ...discordgo.MessageComponent) (string, error) {
	msg := &discordgo.MessageSend{Content: Truncate(text, MaxContentLength)}
	if len(buttons) > 0 {
		msg.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: buttons}}
	}
	m, err := f.s.ChannelMessageSendComplex(channelID, msg, discordgo.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("post in %s: %w", channelID, err)
	}
	return m.ID, nil
}

func wsButton(label, customID string) discordgo.MessageComponent {
	return discordgo.Button{Label: label, Style: discordgo.PrimaryButton, CustomID: customID}
}

// effects returns the effects of type T carried out so far.
func wsEffects[T workshop.Effect](f *wsEffector) []T {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []T
	for _, e := range f.applied {
		if t, ok := e.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

func (s *wsStore) timerKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.timers {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
