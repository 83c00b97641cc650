package workshop

import (
	"strconv"
	"time"
)

// Effect is something the Engine decided should happen outside the domain:
// a post, a room, a member move, a timer. Effects are plain data; the
// adapters (discord for posts and rooms, db for timers) carry them out
// after the store has saved the run, in the order the Engine returned them.
//
// Key is a stable idempotency key, such as
// "run:42:step:3:round:0:prompt:formation:0:group:2". Deciding the same
// thing again gives the same key, so an adapter that records the keys it
// has carried out (with the Discord IDs it made) can skip a repeat after a
// crash or retry instead of making twins. The exceptions are documented on
// the effect: UpdateLobby is coalesced, ScheduleTimer is an upsert.
//
// The set of effects is closed: every Effect is one of the types in this
// file, so an adapter's type switch can be exhaustive.
type Effect interface {
	Key() string
	effect()
}

// RoomRef names where a post goes: the run's main text channel (Group 0)
// or the text room of one group (Group >= 1) of formation Formation (an
// index in Run.Formations). The adapter maps it to a channel ID with the
// rooms it created for that formation.
type RoomRef struct {
	Formation int
	Group     int
}

// MainRoom is the run's main text channel.
var MainRoom = RoomRef{}

// IsMain reports whether the ref is the main channel.
func (r RoomRef) IsMain() bool { return r.Group == 0 }

// String is "main" or "formation:0:group:2"; it appears in effect keys.
func (r RoomRef) String() string {
	if r.IsMain() {
		return "main"
	}
	return "formation:" + strconv.Itoa(r.Formation) + ":group:" + strconv.Itoa(r.Group)
}

// PostLobby posts the lobby card in the main channel: the curriculum's
// title, summary and timeline, the start as <t:UNIX:R> when StartsAt is
// set, the participant count, and Join and Leave buttons. The adapter
// remembers the message to update it.
type PostLobby struct {
	RunID        int64
	HostID       string
	Title        string
	Summary      string
	Timeline     []TimelineEntry
	StartsAt     time.Time // zero when the host begins by hand
	Participants int
}

func (e PostLobby) Key() string { return RunKeyPrefix(e.RunID) + "lobby:post" }

// UpdateLobby says the lobby card is out of date: the participant count
// or the run's state changed. Its key is the same for every update of a
// run: the adapter coalesces them (updating the card at most every few
// seconds, so a burst of joins does not trip Discord's rate limits) and
// always shows the latest values, never skipping an update as done.
type UpdateLobby struct {
	RunID        int64
	Participants int
	State        RunState
}

func (e UpdateLobby) Key() string { return RunKeyPrefix(e.RunID) + "lobby:update" }

// CreateScheduledEvent creates a Discord scheduled event for a run with a
// start time, so members get notified. It is in the main voice channel
// when there is one, else an external event at the main channel.
type CreateScheduledEvent struct {
	RunID          int64
	GuildID        string
	VoiceChannelID string // may be empty
	Name           string
	Description    string
	StartsAt       time.Time
	EndsAt         time.Time // planned end
}

func (e CreateScheduledEvent) Key() string { return RunKeyPrefix(e.RunID) + "event:create" }

// ScheduledEventStatus is the status to give a run's scheduled event.
type ScheduledEventStatus string

// The statuses the engine sets.
const (
	EventActive    ScheduledEventStatus = "active"
	EventCompleted ScheduledEventStatus = "completed"
	EventCanceled  ScheduledEventStatus = "canceled"
)

// SetScheduledEventStatus moves the run's scheduled event (made by
// CreateScheduledEvent) to Status. Only emitted for runs with a start time.
type SetScheduledEventStatus struct {
	RunID  int64
	Status ScheduledEventStatus
}

func (e SetScheduledEventStatus) Key() string {
	return RunKeyPrefix(e.RunID) + "event:" + string(e.Status)
}

// ScheduleTimer creates the durable timer, or moves it to the new due time
// if a timer with its key exists (an upsert). Its effect key includes the
// due time, so a timer moved by Extend or Resume is scheduled again.
type ScheduleTimer struct {
	Timer Timer
}

func (e ScheduleTimer) Key() string {
	return "schedule:" + e.Timer.Key() + "@" + strconv.FormatInt(e.Timer.Due.UnixMilli(), 10)
}

// CancelTimers deletes every pending timer whose key starts with Prefix
// ("run:42:" for all of a run's timers, "run:42:step:3:" for one step's,
// or one whole key). Cancelling what does not exist is not an error.
type CancelTimers struct {
	RunID  int64
	Prefix string
	Seq    int64
}

func (e CancelTimers) Key() string {
	return RunKeyPrefix(e.RunID) + "seq:" + strconv.FormatInt(e.Seq, 10) + ":cancel:" + e.Prefix
}

// GroupRooms describes one group whose rooms are to be made.
type GroupRooms struct {
	Number  int
	Name    string
	Members []string
}

// CreateRooms makes the rooms of a formation: a category for the run (or
// for the formation, if the run's is full), and per group a voice room and
// a text room named after the group (never with a countdown in the name).
// With RoomsPrivate only the group's members, the hosts and the bot can see
// a group's rooms; with RoomsOpen every participant can. Groups may be
// empty (self-select): their rooms open for whoever picks them.
type CreateRooms struct {
	RunID     int64
	GuildID   string
	Formation int
	HostID    string
	Privacy   RoomPrivacy
	Groups    []GroupRooms
}

func (e CreateRooms) Key() string {
	return RunKeyPrefix(e.RunID) + "formation:" + strconv.Itoa(e.Formation) + ":rooms"
}

// AddToGroup puts a member into a group after its rooms were requested (a
// late joiner, a self-selecting member, a member moved out of a group left
// with one person): the adapter lets them see private rooms. Moving them
// into the voice room is a separate MoveMembers.
type AddToGroup struct {
	RunID     int64
	Formation int
	Group     int
	UserID    string
	Seq       int64
}

func (e AddToGroup) Key() string {
	return RunKeyPrefix(e.RunID) + "seq:" + strconv.FormatInt(e.Seq, 10) + ":add:" + RoomRef{e.Formation, e.Group}.String() + ":user:" + e.UserID
}

// RemoveFromGroup takes a member out of a group (they left the run, or
// picked another group): the adapter withdraws their view of private rooms.
type RemoveFromGroup struct {
	RunID     int64
	Formation int
	Group     int
	UserID    string
	Seq       int64
}

func (e RemoveFromGroup) Key() string {
	return RunKeyPrefix(e.RunID) + "seq:" + strconv.FormatInt(e.Seq, 10) + ":remove:" + RoomRef{e.Formation, e.Group}.String() + ":user:" + e.UserID
}

// MemberMove is one member and the group whose voice room they go to.
type MemberMove struct {
	UserID string
	Group  int
}

// MoveMembers sends members to their group's voice room of Formation. The
// adapter moves those who are in a voice channel (Discord can move no one
// else), remembers whom it moved (for Recall), and posts a link to the room
// for the rest. Tag tells repeated moves apart in the key.
type MoveMembers struct {
	RunID     int64
	StepIndex int
	Formation int
	Moves     []MemberMove
	Tag       string // "step:3" when a step opens; "seq:N" for one member later
}

func (e MoveMembers) Key() string { return RunKeyPrefix(e.RunID) + e.Tag + ":move" }

// Recall moves the members the adapter moved into Formation's voice rooms,
// and who are still in one of them, back to the run's main voice channel
// (VoiceChannelID; when empty, nobody is moved and the main channel's post
// says where to go).
type Recall struct {
	RunID          int64
	StepIndex      int // the step that begins as the breakout ends
	Formation      int
	VoiceChannelID string
}

func (e Recall) Key() string {
	return RunKeyPrefix(e.RunID) + "step:" + strconv.Itoa(e.StepIndex) + ":recall"
}

// PostIntro posts the rendered intro in the main channel.
type PostIntro struct {
	RunID    int64
	Text     string
	Deadline time.Time
}

func (e PostIntro) Key() string { return RunKeyPrefix(e.RunID) + "intro:post" }

// PostPrompt posts a step's prompt in Room, mentioning Mentions. In a
// breakout with roles each member gets their own prompt (UserID set),
// rendered with their role; otherwise one prompt per room. Submit asks for
// a Submit button (the step has a deliverable); Help for an "Ask for help"
// button (breakout rooms).
type PostPrompt struct {
	RunID     int64
	StepIndex int
	Round     int
	Room      RoomRef
	UserID    string // the reader this copy is for; "" for the whole room
	Mentions  []string
	Text      string
	Deadline  time.Time
	Submit    bool
	Help      bool
	Tag       string // "" for the step's own prompts; "seq:N" for a member who arrives later
}

func (e PostPrompt) Key() string {
	k := RunKeyPrefix(e.RunID)
	if e.Tag != "" {
		k += e.Tag + ":"
	}
	k += "step:" + strconv.Itoa(e.StepIndex) + ":round:" + strconv.Itoa(e.Round) + ":prompt:" + e.Room.String()
	if e.UserID != "" {
		k += ":user:" + e.UserID
	}
	return k
}

// RoleAssignment is who plays which role in a round.
type RoleAssignment struct {
	UserID   string
	Role     string
	NextRole string
}

// PostRoleSwap announces a new round in a group's room: the new roles and
// the round's deadline, already written out in Text.
type PostRoleSwap struct {
	RunID     int64
	StepIndex int
	Round     int
	Room      RoomRef
	Roles     []RoleAssignment
	Text      string
	Deadline  time.Time
}

func (e PostRoleSwap) Key() string {
	return RunKeyPrefix(e.RunID) + "step:" + strconv.Itoa(e.StepIndex) + ":round:" + strconv.Itoa(e.Round) + ":swap:" + e.Room.String()
}

// PostWarning posts a reminder that a step ends soon.
type PostWarning struct {
	RunID     int64
	StepIndex int
	Room      RoomRef
	Left      time.Duration
	Text      string
}

func (e PostWarning) Key() string {
	return RunKeyPrefix(e.RunID) + "step:" + strconv.Itoa(e.StepIndex) + ":warn:" + durationKey(e.Left) + ":" + e.Room.String()
}

// PostNotice posts Text in every room listed (pause, resume, extend,
// broadcast, break, a run cancelled). Tag makes the key unique: "seq:N"
// for a host action, "step:N" for a break.
type PostNotice struct {
	RunID int64
	Rooms []RoomRef
	Text  string
	Tag   string
}

func (e PostNotice) Key() string { return RunKeyPrefix(e.RunID) + e.Tag + ":notice" }

// GalleryStep is a step whose deliverables a gallery shows.
type GalleryStep struct {
	StepIndex   int
	Title       string
	Mode        Mode // breakout: one submission per group; solo: one per participant
	Deliverable string
	Formation   int // breakout: the formation whose groups handed in; -1 for solo
}

// PostGallery posts, in the main channel with a plenary's prompt, what was
// handed in at Steps: one entry per group of Groups (of Formation), with
// the group's submission for breakout steps and its members' submissions
// for solo steps. The engine does not hold submission texts: the adapter
// reads them from the store.
type PostGallery struct {
	RunID     int64
	StepIndex int
	Steps     []GalleryStep
	Formation int // -1 when no groups were ever formed
	Groups    []Group
}

func (e PostGallery) Key() string {
	return RunKeyPrefix(e.RunID) + "step:" + strconv.Itoa(e.StepIndex) + ":gallery"
}

// PostRoomChoice posts, in the main channel, one button per room of a
// self-select formation; members pick with ChooseGroup.
type PostRoomChoice struct {
	RunID     int64
	StepIndex int
	Formation int
	Groups    []Group
}

func (e PostRoomChoice) Key() string {
	return RunKeyPrefix(e.RunID) + "step:" + strconv.Itoa(e.StepIndex) + ":choice"
}

// PingHosts tells the hosts that UserID asks for help in Room, with a jump
// link to it, so a host can answer there.
type PingHosts struct {
	RunID   int64
	HostIDs []string
	UserID  string
	Room    RoomRef
	Text    string
	Seq     int64
}

func (e PingHosts) Key() string {
	return RunKeyPrefix(e.RunID) + "seq:" + strconv.FormatInt(e.Seq, 10) + ":help"
}

// Acknowledge tells a member privately (an ephemeral reply) that their
// action worked.
type Acknowledge struct {
	RunID  int64
	UserID string
	Text   string
	Seq    int64
}

func (e Acknowledge) Key() string {
	return RunKeyPrefix(e.RunID) + "seq:" + strconv.FormatInt(e.Seq, 10) + ":ack"
}

// PostSummary posts the end-of-run summary in the main channel.
type PostSummary struct {
	RunID   int64
	Summary Summary
	Text    string
}

func (e PostSummary) Key() string { return RunKeyPrefix(e.RunID) + "summary" }

// DeleteRooms deletes every room (and category) the run made.
type DeleteRooms struct {
	RunID int64
}

func (e DeleteRooms) Key() string { return RunKeyPrefix(e.RunID) + "rooms:delete" }

// The effect marker: only this package's types are Effects.
func (PostLobby) effect()               {}
func (UpdateLobby) effect()             {}
func (CreateScheduledEvent) effect()    {}
func (SetScheduledEventStatus) effect() {}
func (ScheduleTimer) effect()           {}
func (CancelTimers) effect()            {}
func (CreateRooms) effect()             {}
func (AddToGroup) effect()              {}
func (RemoveFromGroup) effect()         {}
func (MoveMembers) effect()             {}
func (Recall) effect()                  {}
func (PostIntro) effect()               {}
func (PostPrompt) effect()              {}
func (PostRoleSwap) effect()            {}
func (PostWarning) effect()             {}
func (PostNotice) effect()              {}
func (PostGallery) effect()             {}
func (PostRoomChoice) effect()          {}
func (PingHosts) effect()               {}
func (Acknowledge) effect()             {}
func (PostSummary) effect()             {}
func (DeleteRooms) effect()             {}
