package discord

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

// lobbyView is what the lobby card shows; a copy, so the effector never
// holds on to a caller's Run.
type lobbyView struct {
	RunID        int64
	ChannelID    string
	Title        string
	Summary      string
	Timeline     []workshop.TimelineEntry
	StartsAt     time.Time
	Participants int
	State        workshop.RunState
}

func lobbyViewOf(r *workshop.Run, participants int, state workshop.RunState) lobbyView {
	v := lobbyView{RunID: r.ID, ChannelID: r.MainChannelID, StartsAt: r.StartsAt, Participants: participants, State: state}
	if r.Curriculum != nil {
		v.Title, v.Summary, v.Timeline = r.Curriculum.Title, r.Curriculum.Summary, r.Curriculum.Timeline()
	}
	return v
}

// render builds the card: an embed with the timeline, and Join and Leave
// buttons while people can still join.
func (v lobbyView) render() ([]*discordgo.MessageEmbed, []discordgo.MessageComponent) {
	var b strings.Builder
	if v.Summary != "" {
		b.WriteString(v.Summary + "\n\n")
	}
	b.WriteString("**Timeline**\n")
	for _, t := range v.Timeline {
		line := "`+" + strconv.Itoa(int(t.Offset/time.Minute)) + "m` " + t.Title + " · " + strconv.Itoa(int(t.Duration/time.Minute)) + " min"
		if t.Mode == workshop.ModeBreakout {
			line += " · groups of " + strconv.Itoa(t.GroupSize)
		} else {
			line += " · " + string(t.Mode)
		}
		b.WriteString(line + "\n")
	}
	start := "when the host begins"
	if !v.StartsAt.IsZero() {
		start = "<t:" + strconv.FormatInt(v.StartsAt.Unix(), 10) + ":R>"
	}
	status := "Open: click **Join** to take part."
	switch {
	case v.State == workshop.RunCancelled:
		status, start = "Cancelled by the host.", "—"
	case v.State == workshop.RunEnded:
		status, start = "This workshop has ended. Thanks for coming!", "—"
	case v.State.Live():
		status, start = "Running now: you can still join.", "under way"
	}
	embed := &discordgo.MessageEmbed{
		Title:       cutRunes("📚 "+v.Title, 256),
		Description: cutRunes(b.String(), 4000),
		Fields: []*discordgo.MessageEmbedField{
			{Name: "Starts", Value: start, Inline: true},
			{Name: "Participants", Value: strconv.Itoa(v.Participants), Inline: true},
			{Name: "Status", Value: status},
		},
	}
	var comps []discordgo.MessageComponent
	if !v.State.Over() {
		comps = rows([]discordgo.Button{
			button("Join", WorkshopCustomID(CustomKindJoin, v.RunID), discordgo.SuccessButton, "✋"),
			button("Leave", WorkshopCustomID(CustomKindLeave, v.RunID), discordgo.SecondaryButton, ""),
		})
	}
	return []*discordgo.MessageEmbed{embed}, comps
}

func (w *WorkshopEffector) postLobby(ctx context.Context, r *workshop.Run, p workshop.PostLobby) error {
	v := lobbyViewOf(r, p.Participants, workshop.RunLobby)
	v.Title, v.Summary, v.Timeline, v.StartsAt = p.Title, p.Summary, p.Timeline, p.StartsAt
	embeds, comps := v.render()
	_, err := w.postOnce(ctx, r.ID, msgKey(p.Key()), r.MainChannelID, &discordgo.MessageSend{Embeds: embeds, Components: comps})
	return err
}

// lobbyCard coalesces a run's lobby updates.
type lobbyCard struct {
	lastEdit  time.Time
	next      *lobbyView // the latest update not yet shown
	scheduled bool       // a flusher goroutine is waiting to show next
}

// updateLobby edits the card at once if the last edit is old enough, else
// keeps the update for a flusher that shows the latest one when the
// interval has passed. Coalesced updates are not retried after a crash:
// the next update (or none, if the run is over) shows the count again.
func (w *WorkshopEffector) updateLobby(ctx context.Context, r *workshop.Run, u workshop.UpdateLobby) error {
	v := lobbyViewOf(r, u.Participants, u.State)
	w.mu.Lock()
	card, ok := w.lobbies[r.ID]
	if !ok {
		card = &lobbyCard{}
		w.lobbies[r.ID] = card
	}
	wait := w.opts.LobbyUpdateEvery - time.Since(card.lastEdit)
	if wait > 0 || card.scheduled || w.closed {
		card.next = &v
		if !card.scheduled && !w.closed {
			card.scheduled = true
			w.wg.Add(1)
			go w.flushLobbyLater(r.ID, wait)
		}
		w.mu.Unlock()
		return nil
	}
	card.lastEdit = time.Now()
	w.mu.Unlock()
	return w.editLobby(ctx, v)
}

// flushLobbyLater shows a run's latest lobby update after wait.
func (w *WorkshopEffector) flushLobbyLater(runID int64, wait time.Duration) {
	defer w.wg.Done()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-w.ctx.Done():
		return // Close flushes
	case <-t.C:
	}
	w.mu.Lock()
	card := w.lobbies[runID]
	var v *lobbyView
	if card != nil {
		v, card.next, card.scheduled = card.next, nil, false
		card.lastEdit = time.Now()
	}
	w.mu.Unlock()
	if v == nil {
		return
	}
	unlock := w.lockRun(runID)
	defer unlock()
	if err := w.editLobby(w.ctx, *v); err != nil {
		w.log.Warn("updating the lobby card failed", "run", runID, "err", err)
	}
}

// flushLobbies shows every pending update now (on Close).
func (w *WorkshopEffector) flushLobbies(ctx context.Context) {
	w.mu.Lock()
	var views []lobbyView
	for _, card := range w.lobbies {
		if card.next != nil {
			views = append(views, *card.next)
			card.next = nil
		}
	}
	w.mu.Unlock()
	for _, v := range views {
		if err := w.editLobby(ctx, v); err != nil {
			w.log.Warn("updating the lobby card on close failed", "run", v.RunID, "err", err)
		}
	}
}

func (w *WorkshopEffector) editLobby(ctx context.Context, v lobbyView) error {
	id, ok, err := w.lookup(ctx, v.RunID, msgKey(workshop.PostLobby{RunID: v.RunID}.Key()))
	if err != nil {
		return err
	}
	if !ok || id == pending {
		return nil // no card yet: PostLobby shows the count when it runs
	}
	embeds, comps := v.render()
	edit := &discordgo.MessageEdit{ID: id, Channel: v.ChannelID, Embeds: &embeds, Components: &comps}
	err = w.call(ctx, nil, func(o ...discordgo.RequestOption) error {
		_, err := w.s.ChannelMessageEditComplex(edit, o...)
		return err
	})
	if restCode(err) == codeUnknownMessage || restCode(err) == codeUnknownChannel {
		return nil // the card was deleted: nothing to keep current
	}
	return explain(err, "update the lobby card", "Send Messages")
}
