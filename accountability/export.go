package accountability

import (
	"strconv"
	"time"
)

// Export rows for `roundtable export checkins|support`: flat, one struct per
// row, the same columns in CSV (Header + CSVRow) and JSON (the tags). Times
// are RFC 3339 in UTC; dates are YYYY-MM-DD in the member's own calendar.

// CheckinRecord is one check-in as exported.
type CheckinRecord struct {
	GuildID   string    `json:"guild_id"`
	ChannelID string    `json:"channel_id"`
	UserID    string    `json:"user_id"`
	Date      Date      `json:"local_date"`
	At        time.Time `json:"submitted_at"`
	Zone      string    `json:"time_zone"`
	Done      string    `json:"done"`
	Next      string    `json:"next"`
	Blockers  string    `json:"blockers"`
	Mood      int       `json:"mood,omitempty"` // 0: no mood given
}

// CheckinRecordOf flattens a check-in.
func CheckinRecordOf(c Checkin) CheckinRecord {
	return CheckinRecord{
		GuildID: c.GuildID, ChannelID: c.ChannelID, UserID: c.UserID, Date: c.Date, At: c.At.UTC(), Zone: c.Zone,
		Done: c.Done, Next: c.Next, Blockers: c.Blockers, Mood: c.Mood,
	}
}

// CheckinCSVHeader is the header row matching CheckinRecord.CSVRow.
func CheckinCSVHeader() []string {
	return []string{"guild_id", "channel_id", "user_id", "local_date", "submitted_at", "time_zone", "done", "next", "blockers", "mood"}
}

// CSVRow is r as CSV cells (see csvCell about spreadsheet safety).
func (r CheckinRecord) CSVRow() []string {
	mood := ""
	if r.Mood != 0 {
		mood = strconv.Itoa(r.Mood)
	}
	return []string{
		csvCell(r.GuildID), csvCell(r.ChannelID), csvCell(r.UserID), r.Date.String(), formatInstant(r.At),
		csvCell(r.Zone), csvCell(r.Done), csvCell(r.Next), csvCell(r.Blockers), mood,
	}
}

// SupportRecord is one support thread as exported.
type SupportRecord struct {
	GuildID       string     `json:"guild_id"`
	ChannelID     string     `json:"channel_id"`
	ThreadID      string     `json:"thread_id"`
	AskerID       string     `json:"asker_id"`
	Topic         string     `json:"topic"`
	State         string     `json:"state"`
	CreatedAt     time.Time  `json:"created_at"`
	FirstAnswerAt *time.Time `json:"first_answer_at"` // null until answered
	FirstAnswerBy string     `json:"first_answer_by"`
	ResolvedAt    *time.Time `json:"resolved_at"` // null until resolved
	ResolvedBy    string     `json:"resolved_by"`
	HelperID      string     `json:"helper_id"`
	NudgedAt      *time.Time `json:"nudged_at"` // null if never nudged
}

// SupportRecordOf flattens a thread. The question's details stay out of the
// export: they can be long and personal, and the thread itself keeps them.
func SupportRecordOf(t Thread) SupportRecord {
	return SupportRecord{
		GuildID: t.GuildID, ChannelID: t.ChannelID, ThreadID: t.ThreadID, AskerID: t.AskerID,
		Topic: t.Topic, State: string(t.State), CreatedAt: t.CreatedAt.UTC(),
		FirstAnswerAt: optionalInstant(t.FirstAnswerAt), FirstAnswerBy: t.FirstAnswerBy,
		ResolvedAt: optionalInstant(t.ResolvedAt), ResolvedBy: t.ResolvedBy, HelperID: t.HelperID,
		NudgedAt: optionalInstant(t.NudgedAt),
	}
}

// SupportCSVHeader is the header row matching SupportRecord.CSVRow.
func SupportCSVHeader() []string {
	return []string{"guild_id", "channel_id", "thread_id", "asker_id", "topic", "state", "created_at",
		"first_answer_at", "first_answer_by", "resolved_at", "resolved_by", "helper_id", "nudged_at"}
}

// CSVRow is r as CSV cells; a missing instant is an empty cell.
func (r SupportRecord) CSVRow() []string {
	opt := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return formatInstant(*t)
	}
	return []string{
		csvCell(r.GuildID), csvCell(r.ChannelID), csvCell(r.ThreadID), csvCell(r.AskerID), csvCell(r.Topic), csvCell(r.State),
		formatInstant(r.CreatedAt), opt(r.FirstAnswerAt), csvCell(r.FirstAnswerBy), opt(r.ResolvedAt),
		csvCell(r.ResolvedBy), csvCell(r.HelperID), opt(r.NudgedAt),
	}
}

func formatInstant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func optionalInstant(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// csvCell guards against CSV formula injection: community managers open
// exports in spreadsheets, which run a cell starting with = + - @ (or a tab
// or carriage return) as a formula. Member-written text is prefixed with an
// apostrophe there, as OWASP recommends; JSON exports stay verbatim.
func csvCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
