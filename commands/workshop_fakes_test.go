package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

// In-memory stand-ins for the db and discord adapters, with their real
// behaviour (upspin's inprocess idea), so the workshop commands are tested
// through the emulator without Postgres or the Discord adapter.

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
