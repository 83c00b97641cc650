package discord

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

// movedKey records a member's move into a voice room of a formation:
// "queued:<room>" while the move waits in the mover (so a restart can
// resume it), "<room>" once made (so Recall knows whom to bring back), ""
// once they were moved back or the move was dropped.
func movedKey(formation int, userID string) string {
	return "moved:" + strconv.Itoa(formation) + ":" + userID
}

// moveJob is one member move the mover makes.
type moveJob struct {
	guildID   string
	userID    string
	channelID string
	formation int
	recall    bool // moving back to the main voice channel
}

// mover makes one run's member moves in the background, one at a time:
// they all share the guild's member-move limit, so doing them in parallel
// would gain nothing, and keeping them out of Apply lets the prompts go
// out while people are still being moved.
type mover struct {
	runID   int64
	queue   []moveJob
	busy    *moveJob // the move in flight
	drop    func()   // stops the move in flight if it has not been sent yet
	running bool     // a worker goroutine is alive
	errs    []error  // failures since the last WaitMoves
	changed chan struct{}
}

func (w *WorkshopEffector) moverLocked(runID int64) *mover {
	m, ok := w.movers[runID]
	if !ok {
		m = &mover{runID: runID, changed: make(chan struct{})}
		w.movers[runID] = m
	}
	return m
}

func (m *mover) notifyLocked() {
	close(m.changed)
	m.changed = make(chan struct{})
}

// enqueue adds moves, replacing any queued move of the same member, and
// starts the worker if needed.
func (w *WorkshopEffector) enqueue(runID int64, jobs []moveJob) {
	if len(jobs) == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	m := w.moverLocked(runID)
	for _, j := range jobs {
		m.queue = slices.DeleteFunc(m.queue, func(q moveJob) bool { return q.userID == j.userID })
		m.queue = append(m.queue, j)
	}
	m.notifyLocked()
	if !m.running {
		m.running = true
		w.wg.Add(1)
		go w.runMover(m)
	}
}

// runMover works through a run's queue until it is empty.
func (w *WorkshopEffector) runMover(m *mover) {
	defer w.wg.Done()
	for {
		w.mu.Lock()
		if len(m.queue) == 0 || w.ctx.Err() != nil {
			m.running, m.busy = false, nil
			m.notifyLocked()
			w.mu.Unlock()
			return
		}
		j := m.queue[0]
		m.queue = m.queue[1:]
		m.busy = &j
		wait, drop := context.WithCancel(w.ctx)
		m.drop = drop
		w.mu.Unlock()

		err := w.move(wait, w.ctx, m.runID, j)
		dropped := wait.Err() != nil // by Recall or Close
		drop()

		w.mu.Lock()
		m.busy, m.drop = nil, nil
		if err != nil && !dropped {
			m.errs = append(m.errs, err)
			w.log.Warn("moving a member failed", "run", m.runID, "user", j.userID, "channel", j.channelID, "err", err)
		}
		m.notifyLocked()
		w.mu.Unlock()
	}
}

// move makes one move and records it; a member who left voice meanwhile
// (40032) is simply not moved. A 5xx is retried a few times. wait bounds
// the waiting for a slot under the rate limits (Recall cuts it short);
// once sent, a request runs under ctx, so its outcome is always recorded.
func (w *WorkshopEffector) move(wait, ctx context.Context, runID int64, j moveJob) error {
	keys := []paceKey{{"global", w.opts.GlobalLimit}, {"moves:" + j.guildID, w.opts.MemberMoveLimit}}
	var err error
	for attempt := range 3 {
		if attempt > 0 {
			select {
			case <-wait.Done():
				return wait.Err()
			case <-time.After(time.Duration(attempt) * time.Second):
			}
		}
		release, aerr := w.pace.acquire(wait, keys...)
		if aerr != nil {
			return aerr
		}
		ch := j.channelID
		err = w.s.GuildMemberMove(j.guildID, j.userID, &ch, discordgo.WithContext(ctx))
		release()
		if err == nil || refused(err) || ctx.Err() != nil {
			break
		}
	}
	switch {
	case restCode(err) == codeNotInVoice:
		return w.record(ctx, runID, movedKey(j.formation, j.userID), "")
	case err != nil:
		return explain(err, "move a member into a voice room", "Move Members")
	case j.recall:
		return w.record(ctx, runID, movedKey(j.formation, j.userID), "")
	default:
		return w.record(ctx, runID, movedKey(j.formation, j.userID), j.channelID)
	}
}

// WaitMoves waits until the run's queued member moves are done and
// returns the failures met since the last call.
func (w *WorkshopEffector) WaitMoves(ctx context.Context, runID int64) error {
	for {
		w.mu.Lock()
		m, ok := w.movers[runID]
		if !ok || (len(m.queue) == 0 && m.busy == nil) {
			var errs []error
			if ok {
				errs, m.errs = m.errs, nil
			}
			w.mu.Unlock()
			return errors.Join(errs...)
		}
		changed := m.changed
		w.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

// voiceChannelOf is the voice channel the member is in per the session's
// State, or "". It reads under the State's lock: discordgo's own
// State.VoiceState reads the guild's voice states without it, racing with
// the gateway's updates.
func (w *WorkshopEffector) voiceChannelOf(guildID, userID string) string {
	st := w.s.State
	if st == nil {
		return ""
	}
	st.RLock()
	defer st.RUnlock()
	for _, g := range st.Guilds {
		if g.ID != guildID {
			continue
		}
		for _, vs := range g.VoiceStates {
			if vs.UserID == userID {
				return vs.ChannelID
			}
		}
	}
	return ""
}

// moveMembers queues the moves of the members in voice and posts, in the
// main channel, a link to their room for the others. Without the Move
// Members permission everyone gets a link and the host is told which
// permission is missing.
func (w *WorkshopEffector) moveMembers(ctx context.Context, r *workshop.Run, mm workshop.MoveMembers) error {
	canMove := !w.lacks(r, discordgo.PermissionVoiceMoveMembers)
	var jobs []moveJob
	links := map[string][]string{} // voice room -> members to send a link
	var order []string
	for _, mv := range mm.Moves {
		target, ok, err := w.lookup(ctx, r.ID, roomKey(mm.Formation, mv.Group, roomVoice))
		if err != nil {
			return err
		}
		if !ok || target == pending {
			continue // the room was never made; its prompt went to the main channel
		}
		done, _, err := w.lookup(ctx, r.ID, movedKey(mm.Formation, mv.UserID))
		if err != nil {
			return err
		}
		current := w.voiceChannelOf(r.GuildID, mv.UserID)
		switch {
		case done == target || current == target:
			continue
		case current != "" && canMove:
			if err := w.record(ctx, r.ID, movedKey(mm.Formation, mv.UserID), queuedPrefix+target); err != nil {
				return err
			}
			jobs = append(jobs, moveJob{guildID: r.GuildID, userID: mv.UserID, channelID: target, formation: mm.Formation})
		default:
			if _, seen := links[target]; !seen {
				order = append(order, target)
			}
			links[target] = append(links[target], mv.UserID)
		}
	}
	w.enqueue(r.ID, jobs)
	if len(order) == 0 {
		return nil
	}
	var entries, ping []string
	for _, ch := range order {
		entries = append(entries, "🔊 "+channelLink(ch)+" · "+mentions(links[ch]))
		ping = append(ping, links[ch]...)
	}
	// The step's title tells this breakout's post from the last one's,
	// which may list the same rooms.
	ready := "**Your breakout rooms are ready.**"
	if mm.StepIndex >= 0 && mm.StepIndex < len(r.Curriculum.Steps) {
		ready = "**" + r.Curriculum.Steps[mm.StepIndex].Title + "**: your breakout rooms are ready."
	}
	header := ready + " Not in a voice channel yet? Click your room to join it:"
	if !canMove {
		header = ready + " Click your room to join it. (Hosts: I need the **Move Members** permission to move people into their rooms myself.)"
	}
	for i, part := range packEntries(header, entries) {
		k := msgKey(mm.Key()) + ":links"
		if i > 0 {
			k += "#" + strconv.Itoa(i+1)
		}
		if _, err := w.postOnce(ctx, r.ID, k, r.MainChannelID, &discordgo.MessageSend{Content: part, AllowedMentions: allowUsers(ping...)}); err != nil {
			return err
		}
	}
	return nil
}

// recall stops the formation's pending moves and queues moving back, to
// the main voice channel, those the effector moved who are still in one
// of the formation's voice rooms.
func (w *WorkshopEffector) recall(ctx context.Context, r *workshop.Run, rc workshop.Recall) error {
	if err := w.dropMoves(ctx, r.ID, rc.Formation); err != nil {
		return err
	}
	moved, err := w.ledger.Entries(ctx, r.ID, "moved:"+strconv.Itoa(rc.Formation)+":")
	if err != nil {
		return err
	}
	rooms, err := w.ledger.Entries(ctx, r.ID, "room:"+strconv.Itoa(rc.Formation)+":")
	if err != nil {
		return err
	}
	voiceRooms := map[string]bool{}
	for k, v := range rooms {
		if isVoiceRoomKey(k, rc.Formation) && v != "" && v != pending {
			voiceRooms[v] = true
		}
	}
	keys := make([]string, 0, len(moved))
	for k, v := range moved {
		if v != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var jobs []moveJob
	for _, k := range keys {
		user := strings.TrimPrefix(k, "moved:"+strconv.Itoa(rc.Formation)+":")
		if !strings.HasPrefix(moved[k], queuedPrefix) && rc.VoiceChannelID != "" && voiceRooms[w.voiceChannelOf(r.GuildID, user)] {
			jobs = append(jobs, moveJob{guildID: r.GuildID, userID: user, channelID: rc.VoiceChannelID, formation: rc.Formation, recall: true})
			continue
		}
		// Never moved (the queued move is dropped), left the room by
		// themselves, or there is nowhere to go back to.
		if err := w.record(ctx, r.ID, k, ""); err != nil {
			return err
		}
	}
	w.enqueue(r.ID, jobs)
	return nil
}

// dropMoves removes the formation's queued moves into rooms, stops the
// one in flight if it is still waiting for a slot, and waits for it to
// end, so its record is seen.
func (w *WorkshopEffector) dropMoves(ctx context.Context, runID int64, formation int) error {
	for {
		w.mu.Lock()
		m, ok := w.movers[runID]
		if !ok {
			w.mu.Unlock()
			return nil
		}
		m.queue = slices.DeleteFunc(m.queue, func(j moveJob) bool { return j.formation == formation && !j.recall })
		if m.busy == nil || m.busy.formation != formation {
			w.mu.Unlock()
			return nil
		}
		if !m.busy.recall && m.drop != nil {
			m.drop() // a move still waiting for its slot is not made
		}
		changed := m.changed
		w.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

// forgetRun drops a finished run's queued moves and lobby state.
func (w *WorkshopEffector) forgetRun(runID int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if m, ok := w.movers[runID]; ok {
		m.queue = nil
		if !m.running {
			delete(w.movers, runID)
		}
	}
	if c, ok := w.lobbies[runID]; ok && !c.scheduled {
		delete(w.lobbies, runID)
	}
	delete(w.resumed, runID)
}

// queuedPrefix marks a move recorded but not yet made.
const queuedPrefix = "queued:"

// resumeMoves queues again, once per run and process, the moves a
// previous process recorded as queued but never made (it was stopped or
// killed mid-way). It runs before the run's first effect here.
func (w *WorkshopEffector) resumeMoves(ctx context.Context, r *workshop.Run) error {
	w.mu.Lock()
	done := w.resumed[r.ID]
	w.resumed[r.ID] = true
	w.mu.Unlock()
	if done {
		return nil
	}
	entries, err := w.ledger.Entries(ctx, r.ID, "moved:")
	if err != nil {
		w.mu.Lock()
		delete(w.resumed, r.ID)
		w.mu.Unlock()
		return fmt.Errorf("ledger entries moved: %w", err)
	}
	keys := make([]string, 0, len(entries))
	for k, v := range entries {
		if strings.HasPrefix(v, queuedPrefix) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var jobs []moveJob
	for _, k := range keys {
		parts := strings.SplitN(strings.TrimPrefix(k, "moved:"), ":", 2)
		f, err := strconv.Atoi(parts[0])
		if err != nil || len(parts) != 2 {
			continue
		}
		target := strings.TrimPrefix(entries[k], queuedPrefix)
		if cur := w.voiceChannelOf(r.GuildID, parts[1]); cur != "" && cur != target {
			jobs = append(jobs, moveJob{guildID: r.GuildID, userID: parts[1], channelID: target, formation: f})
		}
	}
	w.enqueue(r.ID, jobs)
	return nil
}
