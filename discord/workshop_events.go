package discord

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

const eventKey = "event"

// createEvent makes the run's guild scheduled event: in the main voice
// channel when there is one, else an external event pointing at the main
// text channel.
func (w *WorkshopEffector) createEvent(ctx context.Context, r *workshop.Run, c workshop.CreateScheduledEvent) error {
	v, ok, err := w.lookup(ctx, r.ID, eventKey)
	if err != nil {
		return err
	}
	if ok && v != pending {
		return nil
	}
	start, end := c.StartsAt.UTC(), c.EndsAt.UTC()
	params := &discordgo.GuildScheduledEventParams{
		Name:               cutRunes(c.Name, 100),
		Description:        cutRunes(c.Description, 1000),
		ScheduledStartTime: &start,
		PrivacyLevel:       discordgo.GuildScheduledEventPrivacyLevelGuildOnly,
	}
	if c.VoiceChannelID != "" {
		params.ChannelID = c.VoiceChannelID
		params.EntityType = discordgo.GuildScheduledEventEntityTypeVoice
	} else {
		params.EntityType = discordgo.GuildScheduledEventEntityTypeExternal
		params.ScheduledEndTime = &end
		params.EntityMetadata = &discordgo.GuildScheduledEventEntityMetadata{
			Location: "https://discord.com/channels/" + c.GuildID + "/" + r.MainChannelID,
		}
	}
	if ok { // pending: the event may exist without its record
		var list []*discordgo.GuildScheduledEvent
		err := w.call(ctx, nil, func(o ...discordgo.RequestOption) error {
			var err error
			list, err = w.s.GuildScheduledEvents(c.GuildID, false, o...)
			return err
		})
		if err != nil {
			return explain(err, "find the workshop's scheduled event", "Manage Events")
		}
		for _, ev := range list {
			if ev.Name == params.Name && ev.ScheduledStartTime.Equal(start) {
				return w.record(ctx, r.ID, eventKey, ev.ID)
			}
		}
	} else if err := w.record(ctx, r.ID, eventKey, pending); err != nil {
		return err
	}
	var ev *discordgo.GuildScheduledEvent
	err = w.call(ctx, nil, func(o ...discordgo.RequestOption) error {
		var err error
		ev, err = w.s.GuildScheduledEventCreate(c.GuildID, params, o...)
		return err
	})
	if err != nil {
		return explain(err, "create the workshop's scheduled event", "Manage Events")
	}
	return w.record(ctx, r.ID, eventKey, ev.ID)
}

var eventStatuses = map[workshop.ScheduledEventStatus]discordgo.GuildScheduledEventStatus{
	workshop.EventActive:    discordgo.GuildScheduledEventStatusActive,
	workshop.EventCompleted: discordgo.GuildScheduledEventStatusCompleted,
	workshop.EventCanceled:  discordgo.GuildScheduledEventStatusCanceled,
}

// setEventStatus moves the run's event along. An event that is gone, or
// already over, is left alone; a scheduled event to be completed (its
// activation was lost) is activated first, as Discord allows no shortcut.
func (w *WorkshopEffector) setEventStatus(ctx context.Context, r *workshop.Run, s workshop.SetScheduledEventStatus) error {
	id, ok, err := w.lookup(ctx, r.ID, eventKey)
	if err != nil || !ok || id == pending {
		return err
	}
	want, known := eventStatuses[s.Status]
	if !known {
		return workshop.Errorf(workshop.EINTERNAL, "unknown scheduled event status %q", s.Status)
	}
	patch := func(st discordgo.GuildScheduledEventStatus) error {
		return w.call(ctx, nil, func(o ...discordgo.RequestOption) error {
			_, err := w.s.GuildScheduledEventEdit(r.GuildID, id, &discordgo.GuildScheduledEventParams{Status: st}, o...)
			return err
		})
	}
	err = patch(want)
	if err == nil || restCode(err) == codeUnknownEvent {
		return nil
	}
	if refused(err) && restCode(err) != codeMissingPermission {
		var ev *discordgo.GuildScheduledEvent
		gerr := w.call(ctx, nil, func(o ...discordgo.RequestOption) error {
			var err error
			ev, err = w.s.GuildScheduledEvent(r.GuildID, id, false, o...)
			return err
		})
		switch {
		case gerr != nil:
		case ev.Status == want || ev.Status == discordgo.GuildScheduledEventStatusCompleted || ev.Status == discordgo.GuildScheduledEventStatusCanceled:
			return nil
		case ev.Status == discordgo.GuildScheduledEventStatusScheduled && want == discordgo.GuildScheduledEventStatusCompleted:
			if err = patch(discordgo.GuildScheduledEventStatusActive); err == nil {
				err = patch(want)
			}
		}
	}
	return explain(err, "update the workshop's scheduled event", "Manage Events")
}
