package discordtest

import (
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
)

func (e *Emulator) eventRoutes() {
	e.route("GET", "/guilds/{guild_id}/scheduled-events", e.listEvents)
	e.route("POST", "/guilds/{guild_id}/scheduled-events", e.createEvent)
	e.route("GET", "/guilds/{guild_id}/scheduled-events/{event_id}", e.getEvent)
	e.route("PATCH", "/guilds/{guild_id}/scheduled-events/{event_id}", e.modifyEvent)
	e.route("DELETE", "/guilds/{guild_id}/scheduled-events/{event_id}", e.deleteEvent)
}

type eventReq struct {
	ChannelID          optional[string]                                      `json:"channel_id"`
	EntityMetadata     optional[discordgo.GuildScheduledEventEntityMetadata] `json:"entity_metadata"`
	Name               *string                                               `json:"name"`
	PrivacyLevel       *discordgo.GuildScheduledEventPrivacyLevel            `json:"privacy_level"`
	ScheduledStartTime *time.Time                                            `json:"scheduled_start_time"`
	ScheduledEndTime   optional[time.Time]                                   `json:"scheduled_end_time"`
	Description        optional[string]                                      `json:"description"`
	EntityType         *discordgo.GuildScheduledEventEntityType              `json:"entity_type"`
	Status             *discordgo.GuildScheduledEventStatus                  `json:"status"`
}

func (e *Emulator) listEvents(c *call) (int, any, *apiError) {
	g, err := e.guildOf(c)
	if err != nil {
		return 0, nil, err
	}
	out := e.st.ScheduledEvents(g.g.ID)
	if out == nil {
		out = []*discordgo.GuildScheduledEvent{}
	}
	return http.StatusOK, out, nil
}

func (e *Emulator) eventOf(c *call) (*guild, *discordgo.GuildScheduledEvent, *apiError) {
	g, err := e.guildOf(c)
	if err != nil {
		return nil, nil, err
	}
	ev, ok := e.st.events[c.param("event_id")]
	if !ok || ev.GuildID != g.g.ID {
		return nil, nil, errUnknownEvent()
	}
	return g, ev, nil
}

func (e *Emulator) getEvent(c *call) (int, any, *apiError) {
	_, ev, err := e.eventOf(c)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ev, nil
}

// checkEvent applies resources-guild-scheduled-event.mdx: MANAGE_EVENTS;
// voice and stage events need a channel of that kind the bot can view and
// connect to; external events need a location and an end time; names are
// 1-100 characters, descriptions up to 1000, and the start is in the future.
func (e *Emulator) checkEvent(g *guild, ev *discordgo.GuildScheduledEvent, now time.Time, startChanged bool) *apiError {
	if e.st.basePermissions(g.g.ID, e.st.bot.ID)&discordgo.PermissionManageEvents == 0 {
		return errMissingPermissions()
	}
	if n := len([]rune(ev.Name)); n < 1 || n > 100 {
		return errBadLength("name", 1, 100)
	}
	if len([]rune(ev.Description)) > 1000 {
		return errBadLength("description", 0, 1000)
	}
	switch ev.EntityType {
	case discordgo.GuildScheduledEventEntityTypeVoice, discordgo.GuildScheduledEventEntityTypeStageInstance:
		ch, ok := e.st.channels[ev.ChannelID]
		want := discordgo.ChannelTypeGuildVoice
		if ev.EntityType == discordgo.GuildScheduledEventEntityTypeStageInstance {
			want = discordgo.ChannelTypeGuildStageVoice
		}
		if !ok || ch.GuildID != g.g.ID || ch.Type != want {
			return errInvalidForm("channel_id", "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL", "Invalid channel")
		}
		if !e.botCan(ch.ID, discordgo.PermissionViewChannel|discordgo.PermissionVoiceConnect) {
			return errMissingPermissions()
		}
	case discordgo.GuildScheduledEventEntityTypeExternal:
		if ev.ChannelID != "" {
			return errInvalidForm("channel_id", "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL", "Must be null for external events")
		}
		if ev.EntityMetadata.Location == "" {
			return errInvalidForm("entity_metadata.location", "BASE_TYPE_REQUIRED", "This field is required")
		}
		if ev.ScheduledEndTime == nil {
			return errInvalidForm("scheduled_end_time", "BASE_TYPE_REQUIRED", "This field is required")
		}
	default:
		return errInvalidForm("entity_type", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}.")
	}
	if ev.ScheduledStartTime.IsZero() {
		return errInvalidForm("scheduled_start_time", "BASE_TYPE_REQUIRED", "This field is required")
	}
	if startChanged && ev.ScheduledStartTime.Before(now) {
		return errInvalidForm("scheduled_start_time", "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST", "Cannot schedule event in the past.")
	}
	if ev.ScheduledEndTime != nil && !ev.ScheduledEndTime.After(ev.ScheduledStartTime) {
		return errInvalidForm("scheduled_end_time", "GUILD_SCHEDULED_EVENT_END_BEFORE_START", "Cannot schedule event to end before starting.")
	}
	return nil
}

func (r *eventReq) apply(ev *discordgo.GuildScheduledEvent) {
	if r.ChannelID.Set {
		ev.ChannelID = r.ChannelID.Value
	}
	if r.EntityMetadata.Set {
		ev.EntityMetadata = r.EntityMetadata.Value
	}
	if r.Name != nil {
		ev.Name = *r.Name
	}
	if r.PrivacyLevel != nil {
		ev.PrivacyLevel = *r.PrivacyLevel
	}
	if r.ScheduledStartTime != nil {
		ev.ScheduledStartTime = *r.ScheduledStartTime
	}
	if r.ScheduledEndTime.Set {
		ev.ScheduledEndTime = nil
		if !r.ScheduledEndTime.Null {
			t := r.ScheduledEndTime.Value
			ev.ScheduledEndTime = &t
		}
	}
	if r.Description.Set {
		ev.Description = r.Description.Value
	}
	if r.EntityType != nil {
		ev.EntityType = *r.EntityType
	}
}

func (e *Emulator) createEvent(c *call) (int, any, *apiError) {
	g, err := e.guildOf(c)
	if err != nil {
		return 0, nil, err
	}
	var req eventReq
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	ev := &discordgo.GuildScheduledEvent{ID: e.st.newID(), GuildID: g.g.ID, CreatorID: e.st.bot.ID,
		Creator: e.st.bot, Status: discordgo.GuildScheduledEventStatusScheduled,
		PrivacyLevel: discordgo.GuildScheduledEventPrivacyLevelGuildOnly}
	req.apply(ev)
	if err := e.checkEvent(g, ev, c.now, true); err != nil {
		return 0, nil, err
	}
	e.st.events[ev.ID] = ev
	e.st.eventOrder = append(e.st.eventOrder, ev.ID)
	e.dispatchLocked("GUILD_SCHEDULED_EVENT_CREATE", ev)
	return http.StatusOK, ev, nil
}

// modifyEvent also moves the status along its documented transitions:
// SCHEDULED -> ACTIVE or CANCELED, ACTIVE -> COMPLETED.
func (e *Emulator) modifyEvent(c *call) (int, any, *apiError) {
	g, ev, err := e.eventOf(c)
	if err != nil {
		return 0, nil, err
	}
	var req eventReq
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	next := clone(ev)
	req.apply(next)
	if req.EntityType != nil && *req.EntityType == discordgo.GuildScheduledEventEntityTypeExternal && !req.ChannelID.Set {
		next.ChannelID = ""
	}
	if err := e.checkEvent(g, next, c.now, req.ScheduledStartTime != nil); err != nil {
		return 0, nil, err
	}
	if req.Status != nil && *req.Status != ev.Status {
		ok := (ev.Status == discordgo.GuildScheduledEventStatusScheduled &&
			(*req.Status == discordgo.GuildScheduledEventStatusActive || *req.Status == discordgo.GuildScheduledEventStatusCanceled)) ||
			(ev.Status == discordgo.GuildScheduledEventStatusActive && *req.Status == discordgo.GuildScheduledEventStatusCompleted)
		if !ok {
			return 0, nil, errInvalidForm("status", "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION", "Invalid status transition")
		}
		next.Status = *req.Status
	}
	*ev = *next
	e.dispatchLocked("GUILD_SCHEDULED_EVENT_UPDATE", ev)
	return http.StatusOK, ev, nil
}

func (e *Emulator) deleteEvent(c *call) (int, any, *apiError) {
	g, ev, err := e.eventOf(c)
	if err != nil {
		return 0, nil, err
	}
	if e.st.basePermissions(g.g.ID, e.st.bot.ID)&discordgo.PermissionManageEvents == 0 {
		return 0, nil, errMissingPermissions()
	}
	delete(e.st.events, ev.ID)
	for i, id := range e.st.eventOrder {
		if id == ev.ID {
			e.st.eventOrder = append(e.st.eventOrder[:i:i], e.st.eventOrder[i+1:]...)
			break
		}
	}
	e.dispatchLocked("GUILD_SCHEDULED_EVENT_DELETE", ev)
	return http.StatusNoContent, nil, nil
}
