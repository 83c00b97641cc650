package discordtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

func (e *Emulator) threadRoutes() {
	e.route("POST", "/channels/{channel_id}/messages/{message_id}/threads", e.startThreadFromMessage)
	e.route("POST", "/channels/{channel_id}/threads", e.startThread)
	e.route("GET", "/channels/{channel_id}/thread-members", e.listThreadMembers)
	e.route("PUT", "/channels/{channel_id}/thread-members/{user_id}", e.addThreadMember)
	e.route("DELETE", "/channels/{channel_id}/thread-members/{user_id}", e.removeThreadMember)
}

type threadReq struct {
	Name                string                `json:"name"`
	AutoArchiveDuration *int                  `json:"auto_archive_duration"`
	RateLimitPerUser    int                   `json:"rate_limit_per_user"`
	Type                discordgo.ChannelType `json:"type"`
	Invitable           *bool                 `json:"invitable"`
}

// validArchiveDuration: 60, 1440, 4320 or 10080 minutes (resources-channel.mdx).
func validArchiveDuration(d int) bool {
	return d == 60 || d == 1440 || d == 4320 || d == 10080
}

func (r *threadReq) validate() *apiError {
	if err := validateChannelName(r.Name); err != nil {
		return err
	}
	if r.AutoArchiveDuration != nil && !validArchiveDuration(*r.AutoArchiveDuration) {
		return errInvalidForm("auto_archive_duration", "BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}.")
	}
	if r.RateLimitPerUser < 0 || r.RateLimitPerUser > 21600 {
		return errInvalidForm("rate_limit_per_user", "NUMBER_TYPE_MAX", "int value should be less than or equal to 21600.")
	}
	return nil
}

// threadParent is a channel threads may start in, with the bot's right to
// start one of the given type there.
func (e *Emulator) threadParent(id string, t discordgo.ChannelType) (*discordgo.Channel, *apiError) {
	ch, err := e.visibleChannel(id)
	if err != nil {
		return nil, err
	}
	if ch.Type != discordgo.ChannelTypeGuildText && ch.Type != discordgo.ChannelTypeGuildNews {
		return nil, errWrongChannelType()
	}
	need := int64(discordgo.PermissionCreatePublicThreads)
	if t == discordgo.ChannelTypeGuildPrivateThread {
		need = discordgo.PermissionCreatePrivateThreads
	}
	if !e.botCan(ch.ID, need) {
		return nil, errMissingPermissions()
	}
	return ch, nil
}

func (e *Emulator) newThread(id string, parent *discordgo.Channel, t discordgo.ChannelType, r *threadReq, now time.Time) *discordgo.Channel {
	th := e.storeThread(id, parent, t, r, now)
	e.announceThreadLocked(th)
	return th
}

// storeThread keeps a new thread, its creator (the bot) its first member,
// without telling anyone yet.
func (e *Emulator) storeThread(id string, parent *discordgo.Channel, t discordgo.ChannelType, r *threadReq, now time.Time) *discordgo.Channel {
	dur := 4320
	if r.AutoArchiveDuration != nil {
		dur = *r.AutoArchiveDuration
	}
	th := &discordgo.Channel{ID: id, GuildID: parent.GuildID, ParentID: parent.ID, Name: r.Name, Type: t,
		OwnerID: e.st.bot.ID, RateLimitPerUser: r.RateLimitPerUser, MemberCount: 1,
		PermissionOverwrites: []*discordgo.PermissionOverwrite{},
		ThreadMetadata: &discordgo.ThreadMetadata{AutoArchiveDuration: dur, ArchiveTimestamp: now.UTC(),
			Invitable: t == discordgo.ChannelTypeGuildPrivateThread && (r.Invitable == nil || *r.Invitable)}}
	e.st.channels[th.ID] = th
	e.st.threadMembers[th.ID] = map[string]*discordgo.ThreadMember{
		e.st.bot.ID: {ID: th.ID, UserID: e.st.bot.ID, JoinTimestamp: now.UTC()},
	}
	return th
}

func (e *Emulator) announceThreadLocked(th *discordgo.Channel) {
	out := clone(th)
	out.Member = clone(e.st.threadMembers[th.ID][e.st.bot.ID])
	e.dispatchVisibleLocked("THREAD_CREATE", th.ID, threadCreateJSON(out))
}

// threadCreateJSON marks a THREAD_CREATE for a thread just made, as Discord does.
func threadCreateJSON(th *discordgo.Channel) map[string]any {
	out := map[string]any{}
	raw := clone(th)
	b, _ := json.Marshal(raw)
	_ = json.Unmarshal(b, &out)
	out["newly_created"] = true
	return out
}

// startThreadFromMessage is POST /channels/{id}/messages/{id}/threads: a
// public thread whose ID is the message's.
func (e *Emulator) startThreadFromMessage(c *call) (int, any, *apiError) {
	var req threadReq
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	parent, err := e.threadParent(c.param("channel_id"), discordgo.ChannelTypeGuildPublicThread)
	if err != nil {
		return 0, nil, err
	}
	m, ok := e.st.messages[c.param("message_id")]
	if !ok || m.ChannelID != parent.ID || m.Flags&flagEphemeral != 0 {
		return 0, nil, errUnknownMessage()
	}
	if m.Thread != nil {
		return 0, nil, newAPIError(400, 160004, "A thread has already been created for this message")
	}
	if err := req.validate(); err != nil {
		return 0, nil, err
	}
	t := discordgo.ChannelTypeGuildPublicThread
	if parent.Type == discordgo.ChannelTypeGuildNews {
		t = discordgo.ChannelTypeGuildNewsThread
	}
	th := e.newThread(m.ID, parent, t, &req, c.now)
	m.Thread = clone(th)
	m.Flags |= flagHasThread
	return http.StatusCreated, th, nil
}

// startThread is POST /channels/{id}/threads: in a forum or media channel
// a post, elsewhere a thread without a message, whose type defaults to a
// private thread (12).
func (e *Emulator) startThread(c *call) (int, any, *apiError) {
	ch, err := e.visibleChannel(c.param("channel_id"))
	if err != nil {
		return 0, nil, err
	}
	if ch.Type == discordgo.ChannelTypeGuildForum || ch.Type == discordgo.ChannelTypeGuildMedia {
		return e.startPost(c, ch)
	}
	var req threadReq
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	if req.Type == 0 {
		req.Type = discordgo.ChannelTypeGuildPrivateThread
	}
	switch req.Type {
	case discordgo.ChannelTypeGuildPrivateThread, discordgo.ChannelTypeGuildPublicThread, discordgo.ChannelTypeGuildNewsThread:
	default:
		return 0, nil, errInvalidForm("type", "BASE_TYPE_CHOICES", "Value must be one of {10, 11, 12}.")
	}
	parent, err := e.threadParent(c.param("channel_id"), req.Type)
	if err != nil {
		return 0, nil, err
	}
	if err := req.validate(); err != nil {
		return 0, nil, err
	}
	th := e.newThread(e.st.newID(), parent, req.Type, &req, c.now)
	return http.StatusCreated, th, nil
}

// postReq is the body of Start Thread in Forum or Media Channel
// (resources-channel.mdx): the thread's fields and its first message.
type postReq struct {
	threadReq
	AppliedTags []string    `json:"applied_tags"`
	Message     *messageReq `json:"message"`
}

// startPost makes a post in a forum or media channel: a public thread and
// its first message, which shares the thread's ID (topics-threads.mdx).
// It takes SEND_MESSAGES on the forum; CREATE_PUBLIC_THREADS is ignored.
func (e *Emulator) startPost(c *call, forum *discordgo.Channel) (int, any, *apiError) {
	raw, files, err := c.payload()
	if err != nil {
		return 0, nil, err
	}
	var req postReq
	if json.Unmarshal(raw, &req) != nil {
		return 0, nil, errInvalidJSON()
	}
	if req.Message == nil {
		return 0, nil, errInvalidForm("message", "BASE_TYPE_REQUIRED", "This field is required")
	}
	if err := req.validate(); err != nil {
		return 0, nil, err
	}
	need := int64(discordgo.PermissionSendMessages)
	if len(files) > 0 {
		need |= discordgo.PermissionAttachFiles
	}
	if !e.botCan(forum.ID, need) {
		return 0, nil, errMissingPermissions()
	}
	tags := []string{}
	for _, id := range req.AppliedTags {
		if !slices.ContainsFunc(forum.AvailableTags, func(t discordgo.ForumTag) bool { return t.ID == id }) {
			return 0, nil, errUnknownTag()
		}
		tags = append(tags, id)
	}
	if req.RateLimitPerUser == 0 {
		req.RateLimitPerUser = forum.DefaultThreadRateLimitPerUser
	}
	req.Message.Flags &= flagSuppressEmbeds | flagSuppressNotify // the only flags a post's message may set
	th := e.storeThread(e.st.newID(), forum, discordgo.ChannelTypeGuildPublicThread, &req.threadReq, c.now)
	th.AppliedTags = tags
	m, err := e.newMessage(th, e.st.bot, req.Message, files, c.now)
	if err != nil {
		e.removeChannelLocked(th) // nobody has heard of it yet
		return 0, nil, err
	}
	m.ID = th.ID
	e.storeMessage(m)
	th.MessageCount = 0 // message_count leaves out the first message (resources-channel.mdx)
	forum.LastMessageID = th.ID
	e.announceThreadLocked(th)
	e.dispatchMessageLocked("MESSAGE_CREATE", m)
	return http.StatusCreated, postJSON{th, wireMessage{m}}, nil
}

// postJSON is a new post as Discord answers it: the thread, with its first
// message nested.
type postJSON struct {
	*discordgo.Channel
	Message wireMessage `json:"message"`
}

// modifyThread applies PATCH /channels/{id} to a thread: MANAGE_THREADS, or
// the thread's owner for name, archived, auto_archive_duration; locking
// always needs MANAGE_THREADS.
func (e *Emulator) modifyThread(th *discordgo.Channel, req *channelPatchReq) (int, any, *apiError) {
	manage := e.botCan(th.ID, discordgo.PermissionManageThreads)
	owner := th.OwnerID == e.st.bot.ID
	if !manage && (!owner || req.Locked != nil || req.RateLimitPerUser.Set) {
		return 0, nil, errMissingPermissions()
	}
	next := clone(th)
	if req.Name != nil {
		if err := validateChannelName(*req.Name); err != nil {
			return 0, nil, err
		}
		next.Name = *req.Name
	}
	if req.AutoArchiveDuration != nil {
		if !validArchiveDuration(*req.AutoArchiveDuration) {
			return 0, nil, errInvalidForm("auto_archive_duration", "BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}.")
		}
		next.ThreadMetadata.AutoArchiveDuration = *req.AutoArchiveDuration
	}
	if req.Archived != nil {
		next.ThreadMetadata.Archived = *req.Archived
		next.ThreadMetadata.ArchiveTimestamp = e.cfg.now().UTC()
	}
	if req.Locked != nil {
		next.ThreadMetadata.Locked = *req.Locked
	}
	if req.Invitable != nil && th.Type == discordgo.ChannelTypeGuildPrivateThread {
		next.ThreadMetadata.Invitable = *req.Invitable
	}
	if req.RateLimitPerUser.Set {
		next.RateLimitPerUser = req.RateLimitPerUser.Value
	}
	*th = *next
	e.dispatchVisibleLocked("THREAD_UPDATE", th.ID, th)
	return http.StatusOK, th, nil
}

func (e *Emulator) threadOf(c *call) (*discordgo.Channel, *apiError) {
	th, err := e.visibleChannel(c.param("channel_id"))
	if err != nil {
		return nil, err
	}
	if !th.IsThread() {
		return nil, errWrongChannelType()
	}
	return th, nil
}

func (e *Emulator) threadMemberTarget(c *call, th *discordgo.Channel) (string, *apiError) {
	uid := c.param("user_id")
	if uid == "@me" {
		uid = e.st.bot.ID
	}
	if _, ok := e.st.users[uid]; !ok {
		return "", errUnknownUser()
	}
	if _, ok := e.st.guilds[th.GuildID].members[uid]; !ok {
		return "", errUnknownMember()
	}
	return uid, nil
}

func (e *Emulator) listThreadMembers(c *call) (int, any, *apiError) {
	th, err := e.threadOf(c)
	if err != nil {
		return 0, nil, err
	}
	out := []*discordgo.ThreadMember{}
	for _, id := range e.st.ThreadMembers(th.ID) {
		out = append(out, e.st.threadMembers[th.ID][id])
	}
	return http.StatusOK, out, nil
}

// addThreadMember is PUT /channels/{id}/thread-members/{user.id|@me}: the
// bot must be able to send in the thread, and it must not be archived.
func (e *Emulator) addThreadMember(c *call) (int, any, *apiError) {
	th, err := e.threadOf(c)
	if err != nil {
		return 0, nil, err
	}
	uid, err := e.threadMemberTarget(c, th)
	if err != nil {
		return 0, nil, err
	}
	if th.ThreadMetadata.Archived {
		return 0, nil, newAPIError(400, 50083, "Thread is archived")
	}
	if !e.botCan(th.ID, discordgo.PermissionSendMessagesInThreads) {
		return 0, nil, errMissingPermissions()
	}
	e.joinThreadLocked(th, uid, c.now)
	return http.StatusNoContent, nil, nil
}

// joinThreadLocked makes a user a thread member (no-op if it is one),
// emitting THREAD_MEMBERS_UPDATE. Sending a message in a thread joins it
// too (resources-channel.mdx).
func (e *Emulator) joinThreadLocked(th *discordgo.Channel, uid string, now time.Time) {
	if _, ok := e.st.threadMembers[th.ID][uid]; ok {
		return
	}
	if e.st.threadMembers[th.ID] == nil {
		e.st.threadMembers[th.ID] = map[string]*discordgo.ThreadMember{}
	}
	tm := &discordgo.ThreadMember{ID: th.ID, UserID: uid, JoinTimestamp: now.UTC()}
	e.st.threadMembers[th.ID][uid] = tm
	th.MemberCount = len(e.st.threadMembers[th.ID])
	added := map[string]any{"id": th.ID, "user_id": uid, "join_timestamp": tm.JoinTimestamp, "flags": 0,
		"member": e.st.guilds[th.GuildID].members[uid]}
	e.dispatchThreadMembersLocked(th, []any{added}, nil)
}

// removeThreadMember: leaving with @me, or removing others with
// MANAGE_THREADS (or as the creator of a private thread).
func (e *Emulator) removeThreadMember(c *call) (int, any, *apiError) {
	th, err := e.threadOf(c)
	if err != nil {
		return 0, nil, err
	}
	uid, err := e.threadMemberTarget(c, th)
	if err != nil {
		return 0, nil, err
	}
	if th.ThreadMetadata.Archived {
		return 0, nil, newAPIError(400, 50083, "Thread is archived")
	}
	if uid != e.st.bot.ID && !e.botCan(th.ID, discordgo.PermissionManageThreads) &&
		(th.Type != discordgo.ChannelTypeGuildPrivateThread || th.OwnerID != e.st.bot.ID) {
		return 0, nil, errMissingPermissions()
	}
	if _, ok := e.st.threadMembers[th.ID][uid]; !ok {
		return http.StatusNoContent, nil, nil
	}
	visibleBefore := e.st.CanSee(th.ID, e.st.bot.ID)
	delete(e.st.threadMembers[th.ID], uid)
	th.MemberCount = len(e.st.threadMembers[th.ID])
	if visibleBefore {
		e.sendThreadMembersLocked(th, nil, []string{uid})
	}
	return http.StatusNoContent, nil, nil
}

func (e *Emulator) dispatchThreadMembersLocked(th *discordgo.Channel, added []any, removed []string) {
	if !e.st.CanSee(th.ID, e.st.bot.ID) {
		return
	}
	e.sendThreadMembersLocked(th, added, removed)
}

func (e *Emulator) sendThreadMembersLocked(th *discordgo.Channel, added []any, removed []string) {
	data := map[string]any{"id": th.ID, "guild_id": th.GuildID, "member_count": th.MemberCount}
	if added != nil {
		data["added_members"] = added
	}
	if removed != nil {
		data["removed_member_ids"] = removed
	}
	// Without GUILD_MEMBERS a session only hears of the bot's own joins and
	// leaves (events-gateway-events.mdx, Thread Members Update).
	aboutBot := containsString(removed, e.st.bot.ID)
	for _, a := range added {
		if m, ok := a.(map[string]any); ok && m["user_id"] == e.st.bot.ID {
			aboutBot = true
		}
	}
	for _, s := range e.gw.sessions {
		if s.intents&discordgo.IntentGuilds != 0 && (aboutBot || s.intents&discordgo.IntentGuildMembers != 0) {
			e.sendLocked(s, "THREAD_MEMBERS_UPDATE", data)
		}
	}
}
