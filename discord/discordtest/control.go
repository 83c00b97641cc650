package discordtest

import (
	"encoding/json"
	"net/http"

	"github.com/bwmarrin/discordgo"
)

// controlAPI is the JSON API under /_emulator/ through which a person or a
// script acts as members of a standalone emulator (see the package doc).
func (e *Emulator) controlAPI() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_emulator/seed", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, e.Seed())
	})
	mux.HandleFunc("GET /_emulator/state", e.controlState)
	mux.HandleFunc("GET /_emulator/interactions/{id}", e.controlInteraction)
	mux.HandleFunc("POST /_emulator/members/{id}/{action}", e.controlMemberAction)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { writeAPIError(w, errNotFound()) })
	return mux
}

func (e *Emulator) controlState(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	gid := e.seed.GuildID
	voice := map[string]string{}
	for uid, vs := range e.st.guilds[gid].voice {
		voice[uid] = vs.ChannelID
	}
	messages := map[string]any{}
	for _, c := range e.st.Channels(gid) {
		messages[c.ID] = wireValue(e.st.Messages(c.ID))
		for _, th := range e.st.Threads(c.ID) {
			messages[th.ID] = wireValue(e.st.Messages(th.ID))
		}
	}
	var threads []any
	for _, c := range e.st.Channels(gid) {
		for _, th := range e.st.Threads(c.ID) {
			threads = append(threads, th)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"guild_id":         gid,
		"channels":         e.st.Channels(gid),
		"threads":          threads,
		"roles":            e.st.Roles(gid),
		"members":          e.st.GuildMembers(gid),
		"voice":            voice,
		"messages":         messages,
		"commands":         map[string]any{"global": e.st.Commands(""), "guild": e.st.Commands(gid)},
		"scheduled_events": e.st.ScheduledEvents(gid),
	})
}

func (e *Emulator) controlInteraction(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	it, ok := e.st.interactions[r.PathValue("id")]
	var resp *Response
	if ok {
		resp, _ = e.st.InteractionResponse(it.id)
	}
	failed := ok && e.sawFail(it, e.cfg.now())
	e.mu.Unlock()
	if !ok {
		writeAPIError(w, errUnknownInteraction())
		return
	}
	out := map[string]any{"id": it.id, "failed": failed, "response": nil}
	if resp != nil {
		out["response"] = map[string]any{"type": resp.Type, "ephemeral": resp.Ephemeral,
			"message": wireValue(resp.Message), "followups": wireValue(resp.Followups),
			"choices": resp.Choices, "modal": resp.Modal}
	}
	writeJSON(w, http.StatusOK, out)
}

// controlRequest is the body of every member action; each action reads the
// fields it needs.
type controlRequest struct {
	Name          string            `json:"name"`
	Options       map[string]any    `json:"options"`
	Focused       string            `json:"focused"`
	ChannelID     *string           `json:"channel_id"`
	MessageID     string            `json:"message_id"`
	CustomID      string            `json:"custom_id"`
	Values        []string          `json:"values"`
	InteractionID string            `json:"interaction_id"`
	Fields        map[string]string `json:"fields"`
	Content       string            `json:"content"`
}

func (e *Emulator) controlMemberAction(w http.ResponseWriter, r *http.Request) {
	m := e.Member(r.PathValue("id"))
	if m == nil {
		writeAPIError(w, errUnknownMember())
		return
	}
	var req controlRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeAPIError(w, errInvalidJSON())
		return
	}
	channel := ""
	if req.ChannelID != nil {
		channel = *req.ChannelID
	}
	var (
		it  *Interaction
		err error
	)
	switch r.PathValue("action") {
	case "command":
		it, err = m.RunCommand(req.Name, normalizeNumbers(req.Options), channel)
	case "autocomplete":
		it, err = m.Autocomplete(req.Name, normalizeNumbers(req.Options), req.Focused, channel)
	case "click":
		it, err = m.ClickButton(req.MessageID, req.CustomID)
	case "select":
		it, err = m.ChooseSelect(req.MessageID, req.CustomID, req.Values...)
	case "modal":
		it, err = m.SubmitModal(&Interaction{e: e, ID: req.InteractionID}, req.CustomID, req.Fields)
	case "voice":
		if channel == "" {
			err = m.LeaveVoice()
		} else {
			err = m.JoinVoice(channel)
		}
	case "close-dms":
		m.CloseDMs()
	case "say":
		var msg *discordgo.Message
		msg, err = m.Say(channel, req.Content)
		if err == nil {
			writeJSON(w, http.StatusOK, wireValue(msg))
			return
		}
	default:
		writeAPIError(w, errNotFound())
		return
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 0, "message": err.Error()})
		return
	}
	if it == nil {
		writeJSON(w, http.StatusNoContent, nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"interaction_id": it.ID, "token": it.Token})
}

// normalizeNumbers turns JSON's float64 integers into int, so integer
// options given over HTTP pass the same checks as from Go.
func normalizeNumbers(opts map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range opts {
		if f, ok := v.(float64); ok && f == float64(int64(f)) {
			v = int64(f)
		}
		out[k] = v
	}
	return out
}
