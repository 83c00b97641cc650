package accountability

import (
	"context"
	"time"
)

// This file holds the ports of the accountability Service: what it asks of
// storage (implemented by package db on Postgres) and of Discord
// (implemented by package discord). Each method names the error codes it
// returns; an adapter translates its own failures into them (a Postgres
// restart is EUNAVAILABLE, a missing row ENOTFOUND) and wraps them with
// context, so the Service and the member-facing boundary can tell a bad
// request from a broken dependency. Every adapter method takes a context and
// must honour its cancellation.
//
// The shapes follow the db stores; the db types DuePrompt, StoredCheckin,
// ReminderKey, ReminderSettings, Reminder, DueReminder, ReminderOutcome and
// SupportSettings have their domain twins here (same fields), so a store
// adopts them with a type alias.

// ChannelStore keeps accountability channels and claims their prompts.
type ChannelStore interface {
	// Setup creates or replaces the channel's settings and schedules its
	// next prompt; createdBy is kept from the first setup.
	// Errors: EINVALID when s does not validate; ECONFLICT when the channel
	// belongs to another guild; EUNAVAILABLE.
	Setup(ctx context.Context, s ChannelSettings, createdBy string) (ChannelSettings, error)
	// Get returns the channel's settings.
	// Errors: ENOTFOUND when it is not an accountability channel of the
	// guild; EUNAVAILABLE.
	Get(ctx context.Context, guildID, channelID string) (ChannelSettings, error)
	// ListByGuild returns the guild's channels by channel ID.
	// Errors: EUNAVAILABLE.
	ListByGuild(ctx context.Context, guildID string) ([]ChannelSettings, error)
	// ListAll returns every accountability channel of every guild, for the
	// weekly digest sweep.
	// Errors: EUNAVAILABLE.
	ListAll(ctx context.Context) ([]ChannelSettings, error)
	// SetPaused pauses (nothing scheduled) or resumes the channel's prompts.
	// Errors: ENOTFOUND; EUNAVAILABLE.
	SetPaused(ctx context.Context, guildID, channelID string, paused bool) (ChannelSettings, error)
	// Remove deletes the channel's settings and what is filed under it.
	// Errors: ENOTFOUND; EUNAVAILABLE.
	Remove(ctx context.Context, guildID, channelID string) error
	// DuePrompts claims up to limit prompts due at now, each (channel, local
	// date) for exactly one caller; a claim not followed by SetPromptMessage
	// is handed out again after a lease, and prompts over an hour late are
	// skipped.
	// Errors: EUNAVAILABLE.
	DuePrompts(ctx context.Context, now time.Time, limit int) ([]DuePrompt, error)
	// SetPromptMessage records the message that carried a claimed prompt.
	// Errors: EINVALID for an empty ID; ENOTFOUND when no prompt was claimed
	// for that channel and date; EUNAVAILABLE.
	SetPromptMessage(ctx context.Context, channelID string, date Date, messageID string) error
}

// CheckinStore keeps check-ins, one per member, channel and local date.
type CheckinStore interface {
	// Upsert stores c under c.Key() and returns, read with the write, what
	// showing it needs: whether it is a new day, the message of the day's
	// earlier check-in, and the member's history for the streak.
	// Errors: EINVALID; ENOTFOUND when the channel is not set up;
	// EUNAVAILABLE (nothing stored).
	Upsert(ctx context.Context, c Checkin) (Recorded, error)
	// SetMessageID records the message that shows the check-in.
	// Errors: EINVALID for an empty ID; ENOTFOUND; EUNAVAILABLE.
	SetMessageID(ctx context.Context, key CheckinKey, messageID string) error
	// Get returns the check-in stored under key.
	// Errors: ENOTFOUND; EUNAVAILABLE.
	Get(ctx context.Context, key CheckinKey) (StoredCheckin, error)
	// Days returns the member's check-in dates, oldest first, each once: in
	// channelID, or in every channel of the guild when channelID is "".
	// Errors: EUNAVAILABLE.
	Days(ctx context.Context, guildID, userID, channelID string) ([]CheckinDay, error)
	// ChannelDays returns each member's check-in dates in the channel on or
	// after since (zero: ever), oldest first.
	// Errors: EUNAVAILABLE.
	ChannelDays(ctx context.Context, channelID string, since Date) (map[string][]CheckinDay, error)
	// ForWeek returns the channel's check-ins dated in week plus each
	// member's latest earlier one (for open blockers), with display names.
	// Errors: EUNAVAILABLE.
	ForWeek(ctx context.Context, channelID string, week ISOWeek) ([]DigestCheckin, error)
}

// AwayStore keeps the days members are away.
type AwayStore interface {
	// Add records a period made by NewAway.
	// Errors: EINVALID for a reversed or zero period; EUNAVAILABLE.
	Add(ctx context.Context, guildID, userID string, p AwayPeriod) error
	// List returns all the member's periods, earliest first.
	// Errors: EUNAVAILABLE.
	List(ctx context.Context, guildID, userID string) ([]AwayPeriod, error)
	// ByGuild returns the periods of every member of the guild ending on or
	// after since, keyed by user ID.
	// Errors: EUNAVAILABLE.
	ByGuild(ctx context.Context, guildID string, since Date) (map[string][]AwayPeriod, error)
}

// MemberZones keeps each member's IANA zone (per guild, as members are).
type MemberZones interface {
	// Zone returns the member's zone.
	// Errors: ENOTFOUND when the member never set one; EUNAVAILABLE.
	Zone(ctx context.Context, guildID, userID string) (*time.Location, error)
	// SetZone stores the member's zone, creating the member if needed.
	// Errors: EINVALID for a nil zone; EUNAVAILABLE.
	SetZone(ctx context.Context, guildID, userID string, zone *time.Location) error
}

// ReminderStore keeps members' reminder settings and runs the sweep's
// claims (see NextReminder for the cost model).
type ReminderStore interface {
	// Set stores the settings and schedules the next reminder from the
	// store's now under the channel's cadence (nothing when disabled).
	// Errors: EINVALID for a bad time or a missing channel or zone when
	// enabled; ENOTFOUND when the channel is not an accountability channel
	// of the guild; EUNAVAILABLE.
	Set(ctx context.Context, r ReminderSettings) (Reminder, error)
	// SetZone moves the member's reminder to zone, keeping its local time.
	// Errors: ENOTFOUND when the member never set a reminder; EINVALID for
	// a nil zone; EUNAVAILABLE.
	SetZone(ctx context.Context, key ReminderKey, zone *time.Location) (Reminder, error)
	// Get returns the member's reminder.
	// Errors: ENOTFOUND; EUNAVAILABLE.
	Get(ctx context.Context, key ReminderKey) (Reminder, error)
	// ClaimDue claims up to limit reminders due at now for this caller
	// alone; an unsettled claim comes due again after a lease.
	// Errors: EUNAVAILABLE.
	ClaimDue(ctx context.Context, now time.Time, limit int) ([]DueReminder, error)
	// Settle records decisions on claimed reminders and returns the members
	// to remind now: only those whose reminder is still on and who have no
	// reminder recorded for that local date or a later one.
	// Errors: EINVALID when an outcome to remind has no date; EUNAVAILABLE
	// (nothing recorded).
	Settle(ctx context.Context, outcomes []ReminderOutcome) (send []ReminderKey, err error)
}

// SupportStore keeps each guild's support channel and its threads.
type SupportStore interface {
	// SetSettings makes st.ChannelID the guild's support channel.
	// Errors: EINVALID for a missing channel or a delay under a second;
	// ECONFLICT when the channel is another guild's; EUNAVAILABLE.
	SetSettings(ctx context.Context, st SupportSettings) (SupportSettings, error)
	// Settings returns the guild's support channel.
	// Errors: ENOTFOUND when the guild has none; EUNAVAILABLE.
	Settings(ctx context.Context, guildID string) (SupportSettings, error)
	// Create stores a thread made by NewThread once the Discord thread exists.
	// Errors: EINVALID; ECONFLICT when already stored; EUNAVAILABLE.
	Create(ctx context.Context, t Thread) error
	// Update loads the thread under a lock, applies change, and saves it
	// when change returns changed and no error, in one transaction. It
	// returns the thread as stored afterwards.
	// Errors: ENOTFOUND when the thread is not a support thread; whatever
	// change returns; EUNAVAILABLE.
	Update(ctx context.Context, threadID string, change func(t *Thread) (changed bool, err error)) (Thread, error)
	// DueNudges claims the open, unanswered, never-nudged threads whose
	// nudge delay has passed at now, marking them nudged: each is returned
	// to exactly one caller, once ever.
	// Errors: EUNAVAILABLE.
	DueNudges(ctx context.Context, now time.Time) ([]Thread, error)
	// ListForStats returns the guild's unresolved threads and those asked,
	// answered or resolved since since.
	// Errors: EUNAVAILABLE.
	ListForStats(ctx context.Context, guildID string, since time.Time) ([]Thread, error)
}

// DigestStore claims each channel's weekly digest once.
type DigestStore interface {
	// ClaimDigest is true for exactly one caller at a time; a claim not
	// followed by SetDigestMessage is handed out again after a lease, and
	// never after it.
	// Errors: ENOTFOUND when the channel is not an accountability channel;
	// EUNAVAILABLE.
	ClaimDigest(ctx context.Context, channelID string, week ISOWeek) (claimed bool, err error)
	// SetDigestMessage records the message that carried the digest.
	// Errors: EINVALID for an empty ID; ENOTFOUND when never claimed;
	// EUNAVAILABLE.
	SetDigestMessage(ctx context.Context, channelID string, week ISOWeek, messageID string) error
}

// Notifier is what the Service asks of Discord. Implementations post with
// allowed mentions limited to the member concerned (a digest pings nobody)
// and return EFORBIDDEN when the bot lacks a permission in the channel,
// ENOTFOUND when the channel or message is gone, and EUNAVAILABLE when
// Discord cannot be reached.
type Notifier interface {
	// PostPrompt posts the check-in prompt in p.Channel with a "Check in"
	// button whose custom_id is CheckinButtonID, and returns its message ID.
	PostPrompt(ctx context.Context, p PromptPost) (messageID string, err error)
	// PostCheckin posts the check-in as an embed under the member's name
	// and returns the message ID.
	PostCheckin(ctx context.Context, p CheckinPost) (messageID string, err error)
	// EditCheckin replaces the embed of the message showing that day's
	// check-in. Errors: ENOTFOUND when the message was deleted (the Service
	// then posts a new one).
	EditCheckin(ctx context.Context, messageID string, p CheckinPost) error
	// SendReminder reminds the member to check in: a DM first, and when
	// DMs are closed a mention in n.ChannelID. It says which was used.
	SendReminder(ctx context.Context, n ReminderNotice) (ReminderDelivery, error)
	// PostDigest posts the weekly digest text (no mentions pinged) with the
	// participation chart attached as a PNG when p.PNG is not empty.
	PostDigest(ctx context.Context, p DigestPost) (messageID string, err error)
	// OpenSupportThread opens a thread in q.ChannelID (a post when it is a
	// forum channel) named after the topic, whose first message holds the
	// question, mentions the asker, and carries a "Mark resolved" button
	// whose custom_id is ResolveButtonID. It returns the thread's ID.
	OpenSupportThread(ctx context.Context, q SupportQuestion) (threadID string, err error)
	// PostInThread posts plain text in the thread (mentions not pinged).
	PostInThread(ctx context.Context, threadID, text string) error
	// Nudge posts, once per call, a reminder in t.ChannelID that the thread
	// t.ThreadID is still waiting for an answer, linking it.
	Nudge(ctx context.Context, t Thread) error
	// Thank posts in the resolved thread that it is resolved and thanks
	// t.HelperID (pinging only the helper).
	Thank(ctx context.Context, t Thread) error
}

// Custom IDs of the buttons the Notifier posts. They follow the command
// router's codec (rt1:<kind>[:<arg>...]) and carry no arguments: the click
// comes from the prompt's channel or the support thread itself.
const (
	CheckinKind     = "ac.checkin" // the prompt's button and the check-in modal
	ResolveKind     = "su.resolve" // the support thread's "Mark resolved" button
	CheckinButtonID = "rt1:" + CheckinKind
	ResolveButtonID = "rt1:" + ResolveKind
)

// PromptPost is a claimed prompt to post.
type PromptPost struct {
	Channel ChannelSettings
	Date    Date // the channel's local date the prompt is for
}

// CheckinPost is a check-in to show in its channel, with the member's
// streak after it.
type CheckinPost struct {
	Checkin
	Streak  Streak
	Cadence Cadence // the unit of Streak: days, or weeks for Weekly
	Edited  bool    // a second submission on the same local day
}

// ReminderNotice is one reminder to deliver.
type ReminderNotice struct {
	GuildID   string
	UserID    string
	ChannelID string // the accountability channel: the fallback, and the link in the DM
	Date      Date   // the member's local date the reminder is for
}

// ReminderDelivery says how a reminder reached the member.
type ReminderDelivery string

const (
	DeliveredByDM      ReminderDelivery = "dm"
	DeliveredByMention ReminderDelivery = "mention"
)

// DigestPost is a weekly digest to post.
type DigestPost struct {
	GuildID   string
	ChannelID string
	Week      ISOWeek
	Text      string // Digest.Text(): at most MaxDigestText characters
	PNG       []byte // the participation chart; nil when none was drawn
}

// SupportQuestion is an /ask to open as a thread.
type SupportQuestion struct {
	GuildID   string
	ChannelID string // the guild's support channel (text or forum)
	AskerID   string
	Topic     string // validated by ValidateAsk: the thread name
	Details   string
}

// DuePrompt is a prompt the caller claimed and must post, then record.
type DuePrompt struct {
	Channel ChannelSettings
	Date    Date // the channel's local date the prompt is for
	DueAt   time.Time
}

// Recorded is what CheckinStore.Upsert tells about the check-in it stored.
// It is read in the same round trip as the write: a check-in is the
// busiest path of the feature (a whole community answering the day's
// prompt at once), and each extra query costs a round trip per member.
type Recorded struct {
	Created   bool         // a new day; false when it replaced that day's check-in
	MessageID string       // the message showing the day's earlier check-in; "" when new or never posted
	Days      []CheckinDay // the member's check-in days in the channel, oldest first, this one included
	Away      []AwayPeriod // all the member's away periods in the guild, earliest first
}

// StoredCheckin is a check-in as stored, with the message showing it ("" until
// recorded).
type StoredCheckin struct {
	Checkin
	MessageID string
}

// ReminderKey identifies a member's reminder: one per member and guild.
type ReminderKey struct {
	GuildID string
	UserID  string
}

// ReminderSettings is what /remind sets.
type ReminderSettings struct {
	GuildID   string
	UserID    string
	ChannelID string // the channel whose cadence the reminder follows; required when Enabled
	Enabled   bool
	At        LocalTime      // in Zone
	Zone      *time.Location // required when Enabled
}

// Reminder is a member's stored reminder.
type Reminder struct {
	ReminderSettings
	NextAt         time.Time // zero when off
	LastRemindedOn Date      // zero if never
}

// DueReminder is a reminder the sweep claimed.
type DueReminder struct {
	Key            ReminderKey
	ChannelID      string
	Zone           *time.Location
	At             LocalTime
	Cadence        Cadence // the channel's
	ChannelPaused  bool
	DueAt          time.Time // the occurrence claimed: judge and chain from it
	LastRemindedOn Date
	LastCheckin    Date // latest check-in in ChannelID; zero if never
	Away           []AwayPeriod
}

// State is the reminder as ShouldRemind sees it; a paused channel sends no
// reminders.
func (d DueReminder) State() ReminderState {
	return ReminderState{Enabled: !d.ChannelPaused, LastRemindedDate: d.LastRemindedOn, LastCheckinDate: d.LastCheckin, Away: d.Away}
}

// LocalDate is the member's date of the claimed occurrence.
func (d DueReminder) LocalDate() Date { return LocalDate(d.DueAt, d.Zone) }

// Next is the occurrence after this one, chained from the due instant.
func (d DueReminder) Next() time.Time { return NextReminder(d.DueAt, d.Zone, d.At, d.Cadence) }

// ReminderOutcome is the sweep's decision on one claimed reminder.
type ReminderOutcome struct {
	Key       ReminderKey
	Remind    bool
	LocalDate Date      // required when Remind
	Next      time.Time // the occurrence to schedule
}

// SupportSettings is a guild's support channel.
type SupportSettings struct {
	GuildID    string
	ChannelID  string
	NudgeAfter time.Duration
}
