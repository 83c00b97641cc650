package discordtest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// SimMember is a simulated guild member: it runs commands, clicks, submits
// modals, joins voice and talks, as a person in the Discord client would.
// Each action goes through the same checks the client and Discord apply.
type SimMember struct {
	e        *Emulator
	GuildID  string
	UserID   string
	Username string
}

// Member returns the simulated member for a user of the seeded guild, or nil.
func (e *Emulator) Member(userID string) *SimMember {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.simMemberLocked(e.seed.GuildID, userID)
}

// MemberOf returns the simulated member for a user of any guild the
// emulator has (see AddGuild), or nil.
func (e *Emulator) MemberOf(guildID, userID string) *SimMember {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.simMemberLocked(guildID, userID)
}

func (e *Emulator) simMemberLocked(gid, userID string) *SimMember {
	g, ok := e.st.guilds[gid]
	if !ok {
		return nil
	}
	m, ok := g.members[userID]
	if !ok || userID == e.st.bot.ID {
		return nil
	}
	return &SimMember{e: e, GuildID: gid, UserID: userID, Username: m.User.Username}
}

// Members returns the seeded ordinary members (not the owner, not the bot).
func (e *Emulator) Members() []*SimMember {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []*SimMember
	for _, id := range e.seed.MemberIDs {
		if m := e.simMemberLocked(e.seed.GuildID, id); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// Owner returns the guild owner as a simulated member.
func (e *Emulator) Owner() *SimMember { return e.Member(e.Seed().OwnerID) }

// AddMember adds a new user to the seeded guild (GUILD_MEMBER_ADD) and
// returns it as a simulated member.
func (e *Emulator) AddMember(username string) *SimMember {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := &discordgo.User{ID: e.st.newID(), Username: username, Discriminator: "0"}
	e.st.users[u.ID] = u
	m := e.st.addMember(e.seed.GuildID, u, e.cfg.now())
	ev := clone(m)
	e.dispatchLocked("GUILD_MEMBER_ADD", ev)
	e.notifyLocked()
	return e.simMemberLocked(e.seed.GuildID, u.ID)
}

// CloseDMs turns off a user's direct messages from server members, as the
// privacy setting does: the bot may still open the DM channel, but every
// message it sends there is refused with 403 50007.
func (e *Emulator) CloseDMs(userID string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.closedDMs[userID] = true
}

// CloseDMs turns off the member's direct messages (Emulator.CloseDMs).
func (m *SimMember) CloseDMs() { m.e.CloseDMs(m.UserID) }

// RunCommand runs a slash command. name is the command as typed, with its
// subcommand group and subcommand ("workshop start"); options are the leaf
// options by name: strings, numbers (int or float64), booleans, and IDs as
// strings for user, channel, role and mentionable options.
func (m *SimMember) RunCommand(name string, options map[string]any, channelID string) (*Interaction, error) {
	m.e.mu.Lock()
	defer m.e.mu.Unlock()
	data, err := m.e.commandDataLocked(m.GuildID, m.UserID, name, options, "")
	if err != nil {
		return nil, err
	}
	return m.e.startInteractionLocked(m.UserID, channelID, discordgo.InteractionApplicationCommand,
		strings.Fields(name)[0], data, nil)
}

// Autocomplete types into option focused of a command: the app is asked
// for choices (interaction type 4). options[focused] is the partial text.
func (m *SimMember) Autocomplete(name string, options map[string]any, focused, channelID string) (*Interaction, error) {
	m.e.mu.Lock()
	defer m.e.mu.Unlock()
	data, err := m.e.commandDataLocked(m.GuildID, m.UserID, name, options, focused)
	if err != nil {
		return nil, err
	}
	return m.e.startInteractionLocked(m.UserID, channelID, discordgo.InteractionApplicationCommandAutocomplete,
		strings.Fields(name)[0], data, nil)
}

// commandDataLocked builds the data of a command interaction, checking the
// member may see the command and the options against the registered
// definition, as the client does.
func (e *Emulator) commandDataLocked(guildID, userID, name string, options map[string]any, focused string) (map[string]any, error) {
	path := strings.Fields(name)
	if len(path) == 0 || len(path) > 3 {
		return nil, fmt.Errorf("command %q: want \"name [group] [subcommand]\"", name)
	}
	cmd, err := e.findCommandLocked(guildID, path[0])
	if err != nil {
		return nil, err
	}
	// default_member_permissions hides a command from members without
	// those guild permissions ("0": administrators only).
	if need := cmd.DefaultMemberPermissions; need != nil {
		base := e.st.basePermissions(guildID, userID)
		if base&discordgo.PermissionAdministrator == 0 && (*need == 0 || base&*need != *need) {
			return nil, fmt.Errorf("command %q needs permissions %d the member lacks", path[0], *need)
		}
	}
	defs := cmd.Options
	var chain []*discordgo.ApplicationCommandOption
	for _, p := range path[1:] {
		var found *discordgo.ApplicationCommandOption
		for _, o := range defs {
			if o.Name == p && (o.Type == discordgo.ApplicationCommandOptionSubCommand || o.Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
				found = o
			}
		}
		if found == nil {
			return nil, fmt.Errorf("command %q: no subcommand %q", name, p)
		}
		chain = append(chain, found)
		defs = found.Options
	}
	for _, o := range defs {
		if o.Type == discordgo.ApplicationCommandOptionSubCommand || o.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
			return nil, fmt.Errorf("command %q: a subcommand is required", name)
		}
	}
	resolved := newResolved()
	leaf := []any{}
	for _, def := range defs {
		v, given := options[def.Name]
		if !given {
			if def.Required && focused == "" {
				return nil, fmt.Errorf("command %q: option %q is required", name, def.Name)
			}
			continue
		}
		opt := map[string]any{"name": def.Name, "type": def.Type}
		if def.Name == focused {
			if !def.Autocomplete {
				return nil, fmt.Errorf("command %q: option %q has no autocomplete", name, def.Name)
			}
			opt["value"] = fmt.Sprint(v)
			opt["focused"] = true
		} else {
			value, err := e.optionValueLocked(guildID, def, v, resolved)
			if err != nil {
				return nil, fmt.Errorf("command %q: %w", name, err)
			}
			opt["value"] = value
		}
		leaf = append(leaf, opt)
	}
	for k := range options {
		if !hasOption(defs, k) {
			return nil, fmt.Errorf("command %q: no option %q", name, k)
		}
	}
	opts := leaf
	for i := len(chain) - 1; i >= 0; i-- {
		opts = []any{map[string]any{"name": chain[i].Name, "type": chain[i].Type, "options": opts}}
	}
	data := map[string]any{"id": cmd.ID, "name": cmd.Name, "type": discordgo.ChatApplicationCommand, "options": opts}
	if cmd.GuildID != "" {
		data["guild_id"] = cmd.GuildID
	}
	if !resolved.empty() {
		data["resolved"] = resolved.json()
	}
	return data, nil
}

func hasOption(defs []*discordgo.ApplicationCommandOption, name string) bool {
	for _, d := range defs {
		if d.Name == name {
			return true
		}
	}
	return false
}

// optionValueLocked converts a test's option value to what Discord sends
// for the option's type, and checks it against the choices.
func (e *Emulator) optionValueLocked(guildID string, def *discordgo.ApplicationCommandOption, v any, res *resolved) (any, error) {
	var out any
	switch def.Type {
	case discordgo.ApplicationCommandOptionString:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("option %q wants a string, got %T", def.Name, v)
		}
		out = s
	case discordgo.ApplicationCommandOptionInteger:
		switch n := v.(type) {
		case int:
			out = n
		case int64:
			out = n
		case float64:
			if n != float64(int64(n)) {
				return nil, fmt.Errorf("option %q wants an integer, got %v", def.Name, n)
			}
			out = int64(n)
		default:
			return nil, fmt.Errorf("option %q wants an integer, got %T", def.Name, v)
		}
	case discordgo.ApplicationCommandOptionNumber:
		switch n := v.(type) {
		case int:
			out = float64(n)
		case int64:
			out = float64(n)
		case float64:
			out = n
		default:
			return nil, fmt.Errorf("option %q wants a number, got %T", def.Name, v)
		}
	case discordgo.ApplicationCommandOptionBoolean:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("option %q wants a boolean, got %T", def.Name, v)
		}
		out = b
	case discordgo.ApplicationCommandOptionUser, discordgo.ApplicationCommandOptionChannel,
		discordgo.ApplicationCommandOptionRole, discordgo.ApplicationCommandOptionMentionable:
		id, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("option %q wants an ID string, got %T", def.Name, v)
		}
		if err := res.add(e, guildID, def.Type, id); err != nil {
			return nil, fmt.Errorf("option %q: %w", def.Name, err)
		}
		out = id
	default:
		return nil, fmt.Errorf("option %q: type %d is not supported by the emulator", def.Name, def.Type)
	}
	if len(def.Choices) > 0 {
		for _, c := range def.Choices {
			if fmt.Sprint(c.Value) == fmt.Sprint(out) {
				return out, nil
			}
		}
		return nil, fmt.Errorf("option %q: %v is not one of its choices", def.Name, out)
	}
	return out, nil
}

// resolved collects the users, members, roles and channels an interaction names.
type resolved struct {
	users, members, roles, channels map[string]any
}

func newResolved() *resolved {
	return &resolved{users: map[string]any{}, members: map[string]any{}, roles: map[string]any{}, channels: map[string]any{}}
}

func (r *resolved) empty() bool {
	return len(r.users)+len(r.roles)+len(r.channels) == 0
}

func (r *resolved) json() map[string]any {
	out := map[string]any{}
	for k, v := range map[string]map[string]any{"users": r.users, "members": r.members, "roles": r.roles, "channels": r.channels} {
		if len(v) > 0 {
			out[k] = v
		}
	}
	return out
}

func (r *resolved) add(e *Emulator, guildID string, t discordgo.ApplicationCommandOptionType, id string) error {
	g := e.st.guilds[guildID]
	user := func() bool {
		u, ok := e.st.users[id]
		if !ok {
			return false
		}
		r.users[id] = u
		if m, ok := g.members[id]; ok {
			pm := clone(m)
			pm.User = nil
			pm.GuildID = ""
			r.members[id] = pm
		}
		return true
	}
	role := func() bool {
		for _, ro := range g.roles {
			if ro.ID == id {
				r.roles[id] = ro
				return true
			}
		}
		return false
	}
	switch t {
	case discordgo.ApplicationCommandOptionUser:
		if !user() {
			return fmt.Errorf("unknown user %s", id)
		}
	case discordgo.ApplicationCommandOptionRole:
		if !role() {
			return fmt.Errorf("unknown role %s", id)
		}
	case discordgo.ApplicationCommandOptionMentionable:
		if !user() && !role() {
			return fmt.Errorf("unknown user or role %s", id)
		}
	case discordgo.ApplicationCommandOptionChannel:
		ch, ok := e.st.channels[id]
		if !ok || ch.GuildID != guildID {
			return fmt.Errorf("unknown channel %s", id)
		}
		r.channels[id] = map[string]any{"id": ch.ID, "name": ch.Name, "type": ch.Type, "parent_id": nilIfEmpty(ch.ParentID),
			"permissions": strconv.FormatInt(e.st.Permissions(ch.ID, e.st.bot.ID), 10)}
	}
	return nil
}

// FindComponent finds a button or select menu by custom_id among a
// message's components (inside action rows), or nil. Tests use it to find
// what a simulated member can click.
func FindComponent(comps []discordgo.MessageComponent, customID string) discordgo.MessageComponent {
	for _, c := range comps {
		switch v := c.(type) {
		case *discordgo.ActionsRow:
			if found := FindComponent(v.Components, customID); found != nil {
				return found
			}
		case discordgo.ActionsRow:
			if found := FindComponent(v.Components, customID); found != nil {
				return found
			}
		case *discordgo.Button:
			if v.CustomID == customID {
				return v
			}
		case *discordgo.SelectMenu:
			if v.CustomID == customID {
				return v
			}
		}
	}
	return nil
}

// visibleMessageLocked finds a message this member can see: in a channel it
// can view, and if ephemeral, only its own interaction's.
func (e *Emulator) visibleMessageLocked(userID, messageID string) (*discordgo.Message, error) {
	msg, ok := e.st.messages[messageID]
	if !ok {
		return nil, fmt.Errorf("unknown message %s", messageID)
	}
	if msg.Flags&flagEphemeral != 0 && (msg.Interaction == nil || msg.Interaction.User == nil || msg.Interaction.User.ID != userID) {
		return nil, fmt.Errorf("message %s is ephemeral and not shown to this member", messageID)
	}
	if !e.st.CanSee(msg.ChannelID, userID) {
		return nil, fmt.Errorf("member cannot see the channel of message %s", messageID)
	}
	return msg, nil
}

// ClickButton clicks the button with customID on a message.
func (m *SimMember) ClickButton(messageID, customID string) (*Interaction, error) {
	m.e.mu.Lock()
	defer m.e.mu.Unlock()
	msg, err := m.e.visibleMessageLocked(m.UserID, messageID)
	if err != nil {
		return nil, err
	}
	b, ok := FindComponent(msg.Components, customID).(*discordgo.Button)
	if !ok {
		return nil, fmt.Errorf("message %s has no button %q", messageID, customID)
	}
	if b.Disabled {
		return nil, fmt.Errorf("button %q is disabled", customID)
	}
	data := map[string]any{"custom_id": customID, "component_type": discordgo.ButtonComponent}
	return m.e.startInteractionLocked(m.UserID, msg.ChannelID, discordgo.InteractionMessageComponent, customID, data, msg)
}

// ChooseSelect picks values in the select menu with customID on a message.
func (m *SimMember) ChooseSelect(messageID, customID string, values ...string) (*Interaction, error) {
	m.e.mu.Lock()
	defer m.e.mu.Unlock()
	msg, err := m.e.visibleMessageLocked(m.UserID, messageID)
	if err != nil {
		return nil, err
	}
	sel, ok := FindComponent(msg.Components, customID).(*discordgo.SelectMenu)
	if !ok {
		return nil, fmt.Errorf("message %s has no select menu %q", messageID, customID)
	}
	if sel.Disabled {
		return nil, fmt.Errorf("select menu %q is disabled", customID)
	}
	lo, hi := 1, 1
	if sel.MinValues != nil {
		lo = *sel.MinValues
	}
	if sel.MaxValues != 0 {
		hi = sel.MaxValues
	}
	if len(values) < lo || len(values) > hi {
		return nil, fmt.Errorf("select menu %q takes %d to %d values, got %d", customID, lo, hi, len(values))
	}
	res := newResolved()
	for _, v := range values {
		switch sel.MenuType {
		case discordgo.StringSelectMenu:
			okv := false
			for _, o := range sel.Options {
				okv = okv || o.Value == v
			}
			if !okv {
				return nil, fmt.Errorf("select menu %q has no option %q", customID, v)
			}
		case discordgo.UserSelectMenu:
			err = res.add(m.e, m.GuildID, discordgo.ApplicationCommandOptionUser, v)
		case discordgo.RoleSelectMenu:
			err = res.add(m.e, m.GuildID, discordgo.ApplicationCommandOptionRole, v)
		case discordgo.MentionableSelectMenu:
			err = res.add(m.e, m.GuildID, discordgo.ApplicationCommandOptionMentionable, v)
		case discordgo.ChannelSelectMenu:
			err = res.add(m.e, m.GuildID, discordgo.ApplicationCommandOptionChannel, v)
		}
		if err != nil {
			return nil, fmt.Errorf("select menu %q: %w", customID, err)
		}
	}
	data := map[string]any{"custom_id": customID, "component_type": sel.Type(), "values": append([]string{}, values...)}
	if !res.empty() {
		data["resolved"] = res.json()
	}
	return m.e.startInteractionLocked(m.UserID, msg.ChannelID, discordgo.InteractionMessageComponent, customID, data, msg)
}

// SubmitModal fills and submits the modal the app answered from with.
// fields maps text input custom_ids to values.
func (m *SimMember) SubmitModal(from *Interaction, customID string, fields map[string]string) (*Interaction, error) {
	m.e.mu.Lock()
	defer m.e.mu.Unlock()
	it, ok := m.e.st.interactions[from.ID]
	if !ok || it.modal == nil {
		return nil, fmt.Errorf("interaction %s was not answered with a modal", from.ID)
	}
	if it.userID != m.UserID {
		return nil, fmt.Errorf("the modal of interaction %s was shown to another member", from.ID)
	}
	if it.modal.CustomID != customID {
		return nil, fmt.Errorf("the modal's custom_id is %q, not %q", it.modal.CustomID, customID)
	}
	rows := []any{}
	for _, in := range it.modal.Inputs {
		v, given := fields[in.CustomID]
		if !given {
			v = in.Value
		}
		n := len([]rune(v))
		if in.Required && n == 0 {
			return nil, fmt.Errorf("modal field %q is required", in.CustomID)
		}
		if n > 0 && (n < in.MinLength || (in.MaxLength > 0 && n > in.MaxLength)) {
			return nil, fmt.Errorf("modal field %q must be %d-%d characters, got %d", in.CustomID, in.MinLength, in.MaxLength, n)
		}
		rows = append(rows, map[string]any{"type": discordgo.ActionsRowComponent, "components": []any{
			map[string]any{"type": discordgo.TextInputComponent, "custom_id": in.CustomID, "value": v},
		}})
	}
	for k := range fields {
		known := false
		for _, in := range it.modal.Inputs {
			known = known || in.CustomID == k
		}
		if !known {
			return nil, fmt.Errorf("the modal has no field %q", k)
		}
	}
	var source *discordgo.Message
	if it.sourceMessageID != "" {
		source = m.e.st.messages[it.sourceMessageID]
	}
	data := map[string]any{"custom_id": customID, "components": rows}
	return m.e.startInteractionLocked(m.UserID, it.channelID, discordgo.InteractionModalSubmit, customID, data, source)
}

// JoinVoice connects the member to a voice channel (or moves it there), as
// the client does: it needs VIEW_CHANNEL and CONNECT, and room under the
// user limit unless it may move members.
func (m *SimMember) JoinVoice(channelID string) error {
	m.e.mu.Lock()
	defer m.e.mu.Unlock()
	ch, ok := m.e.st.channels[channelID]
	if !ok || ch.GuildID != m.GuildID {
		return fmt.Errorf("unknown channel %s", channelID)
	}
	if ch.Type != discordgo.ChannelTypeGuildVoice && ch.Type != discordgo.ChannelTypeGuildStageVoice {
		return fmt.Errorf("channel %s is not a voice channel", ch.Name)
	}
	perms := m.e.st.Permissions(channelID, m.UserID)
	if perms&(discordgo.PermissionViewChannel|discordgo.PermissionVoiceConnect) != discordgo.PermissionViewChannel|discordgo.PermissionVoiceConnect {
		return fmt.Errorf("%s may not connect to %s", m.Username, ch.Name)
	}
	if ch.UserLimit > 0 && len(m.e.st.VoiceMembers(channelID)) >= ch.UserLimit && perms&discordgo.PermissionVoiceMoveMembers == 0 {
		return fmt.Errorf("voice channel %s is full", ch.Name)
	}
	g := m.e.st.guilds[m.GuildID]
	vs := &discordgo.VoiceState{GuildID: m.GuildID, ChannelID: channelID, UserID: m.UserID, SessionID: randomHex(16)}
	if old, ok := g.voice[m.UserID]; ok {
		vs.SessionID = old.SessionID
	}
	m.e.setVoiceLocked(g, m.UserID, vs)
	m.e.notifyLocked()
	return nil
}

// LeaveVoice disconnects the member from voice.
func (m *SimMember) LeaveVoice() error {
	m.e.mu.Lock()
	defer m.e.mu.Unlock()
	g := m.e.st.guilds[m.GuildID]
	old, ok := g.voice[m.UserID]
	if !ok {
		return fmt.Errorf("%s is not in voice", m.Username)
	}
	left := clone(old)
	left.ChannelID = ""
	m.e.setVoiceLocked(g, m.UserID, left)
	m.e.notifyLocked()
	return nil
}

// DM sends the bot a direct message from the member, opening their DM
// channel if needed; the bot sees it with the DIRECT_MESSAGES intent.
func (m *SimMember) DM(content string) (*discordgo.Message, error) {
	m.e.mu.Lock()
	id, ok := m.e.st.dms[m.UserID]
	if !ok {
		ch := &discordgo.Channel{ID: m.e.st.newID(), Type: discordgo.ChannelTypeDM,
			Recipients: []*discordgo.User{m.e.st.users[m.UserID]}, PermissionOverwrites: []*discordgo.PermissionOverwrite{}}
		m.e.st.channels[ch.ID] = ch
		m.e.st.dms[m.UserID] = ch.ID
		id = ch.ID
	}
	m.e.mu.Unlock()
	return m.Say(id, content)
}

// Say posts a message as the member (MESSAGE_CREATE). channelID may be a
// DM channel with the bot.
func (m *SimMember) Say(channelID, content string) (*discordgo.Message, error) {
	m.e.mu.Lock()
	defer m.e.mu.Unlock()
	ch, ok := m.e.st.channels[channelID]
	if !ok {
		return nil, fmt.Errorf("unknown channel %s", channelID)
	}
	need := int64(discordgo.PermissionViewChannel | discordgo.PermissionSendMessages)
	if ch.IsThread() {
		need = discordgo.PermissionViewChannel | discordgo.PermissionSendMessagesInThreads
	}
	if m.e.st.Permissions(channelID, m.UserID)&need != need {
		return nil, fmt.Errorf("%s may not send messages in %s", m.Username, ch.Name)
	}
	if content == "" || len([]rune(content)) > maxContentLength {
		return nil, fmt.Errorf("message content must be 1-%d characters", maxContentLength)
	}
	msg, apiErr := m.e.newMessage(ch, m.e.st.users[m.UserID], &messageReq{Content: &content}, nil, m.e.cfg.now())
	if apiErr != nil {
		return nil, apiErr
	}
	m.e.storeMessage(msg)
	if ch.IsThread() {
		m.e.joinThreadLocked(ch, m.UserID, m.e.cfg.now())
	}
	m.e.dispatchMessageLocked("MESSAGE_CREATE", msg)
	m.e.notifyLocked()
	return clone(msg), nil
}
