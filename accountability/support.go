package accountability

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Support question limits. The topic becomes the thread's (or forum post's)
// name, and Discord caps channel names at 100 characters. The details open
// the thread as one message under a short header (the topic and the asker's
// mention); Discord caps a message at 2000 characters, so 1800 leaves room
// for that header in every case.
const (
	MaxTopic   = 100
	MaxDetails = 1800
	// TopHelperCount is how many helpers Stats ranks.
	TopHelperCount = 5
)

// ThreadState is where a support thread is in its life.
type ThreadState string

const (
	Open     ThreadState = "open"     // asked, nobody but the asker has written yet
	Answered ThreadState = "answered" // someone else wrote in it
	Resolved ThreadState = "resolved" // the asker or a moderator closed it
)

// Thread is one peer support question, followed from asking to resolution.
// The schema keys it by ThreadID (the Discord thread or forum post).
type Thread struct {
	GuildID       string
	ThreadID      string // the Discord thread (or forum post) holding the question
	ChannelID     string // the support channel it was opened in
	AskerID       string
	Topic         string
	Details       string
	State         ThreadState
	CreatedAt     time.Time
	FirstAnswerAt time.Time // zero until answered
	FirstAnswerBy string
	ResolvedAt    time.Time // zero until resolved
	ResolvedBy    string    // who closed it (the asker or a moderator)
	HelperID      string    // who was thanked on resolve; "" when nobody helped
	NudgedAt      time.Time // zero until the one nudge was posted
}

// ValidateAsk trims an /ask's topic and details and checks them. The topic
// is folded onto one line, since it becomes a thread name.
func ValidateAsk(topic, details string) (string, string, error) {
	topic = oneLine(topic)
	details = normalizeText(details)
	switch {
	case topic == "":
		return "", "", Errorf(EINVALID, "Please give your question a topic: a few words that say what it is about.")
	case utf8.RuneCountInString(topic) > MaxTopic:
		return "", "", Errorf(EINVALID, "The topic is %d characters long; the limit is %d, because it becomes the thread's name. Put the rest in the details.", utf8.RuneCountInString(topic), MaxTopic)
	case details == "":
		return "", "", Errorf(EINVALID, "Please add details: what you tried, what happened, and what you expected.")
	case utf8.RuneCountInString(details) > MaxDetails:
		return "", "", Errorf(EINVALID, "The details are %d characters long; the limit is %d. Please shorten them; you can add more in the thread.", utf8.RuneCountInString(details), MaxDetails)
	}
	return topic, details, nil
}

// NewThread starts a support thread in state Open after validating the question.
func NewThread(guildID, channelID, threadID, askerID, topic, details string, at time.Time) (Thread, error) {
	topic, details, err := ValidateAsk(topic, details)
	if err != nil {
		return Thread{}, err
	}
	if guildID == "" || channelID == "" || askerID == "" {
		return Thread{}, Errorf(EINVALID, "Support questions only work in a server with a support channel set up.")
	}
	return Thread{
		GuildID: guildID, ChannelID: channelID, ThreadID: threadID, AskerID: askerID,
		Topic: topic, Details: details, State: Open, CreatedAt: at.UTC(),
	}, nil
}

// ObserveMessage records a message written in the thread. The first message
// by someone other than the asker, and not by a bot, answers an open thread;
// every other message changes nothing. changed says whether t must be saved.
func (t *Thread) ObserveMessage(authorID string, isBot bool, at time.Time) (changed bool) {
	if t.State != Open || isBot || authorID == "" || authorID == t.AskerID {
		return false
	}
	t.State = Answered
	t.FirstAnswerAt = notBefore(at, t.CreatedAt)
	t.FirstAnswerBy = authorID
	return true
}

// Actor is a member acting on a thread; Moderator is decided by the adapter
// (for example Manage Threads permission in the support channel).
type Actor struct {
	ID        string
	Moderator bool
}

// Resolve closes the thread. Only the asker or a moderator may (EFORBIDDEN);
// a resolved thread stays resolved (ECONFLICT); the asker cannot be credited
// as their own helper (EINVALID). With no helper given, the first answerer is
// credited, so the person who actually answered is thanked by default.
func (t *Thread) Resolve(by Actor, helperID string, at time.Time) error {
	if by.ID == "" || (by.ID != t.AskerID && !by.Moderator) {
		return Errorf(EFORBIDDEN, "Only the member who asked, or a moderator, can mark this question resolved.")
	}
	if t.State == Resolved {
		return Errorf(ECONFLICT, "This question is already resolved.")
	}
	if helperID != "" && helperID == t.AskerID {
		return Errorf(EINVALID, "The helper must be someone other than the member who asked.")
	}
	if helperID == "" {
		helperID = t.FirstAnswerBy
	}
	t.State = Resolved
	t.ResolvedAt = notBefore(at, t.CreatedAt)
	t.ResolvedBy = by.ID
	t.HelperID = helperID
	return nil
}

// notBefore returns at in UTC, or created if at is earlier. Message times
// come from Discord's clock and CreatedAt from ours; a little skew must not
// record an answer before the question (the schema forbids it).
func notBefore(at, created time.Time) time.Time {
	if at.Before(created) {
		return created.UTC()
	}
	return at.UTC()
}

// NudgeDue is when an unanswered thread gets its nudge; the adapter sets a
// durable timer for it when the thread opens.
func (t Thread) NudgeDue(nudgeAfter time.Duration) time.Time { return t.CreatedAt.Add(nudgeAfter) }

// NeedsNudge reports whether a nudge should be posted now: the thread is
// still open with no answer, nudgeAfter has passed since it was created, and
// it was never nudged. Together with MarkNudged this gives exactly one nudge.
func NeedsNudge(t Thread, nudgeAfter time.Duration, now time.Time) bool {
	return t.State == Open && t.FirstAnswerAt.IsZero() && t.NudgedAt.IsZero() &&
		nudgeAfter > 0 && !now.Before(t.NudgeDue(nudgeAfter))
}

// MarkNudged records that the nudge was posted.
func (t *Thread) MarkNudged(at time.Time) { t.NudgedAt = at.UTC() }

// Month is a calendar month; support statistics count activity per UTC month,
// since a support channel serves members in every zone.
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf returns the UTC calendar month of an instant.
func MonthOf(t time.Time) Month {
	t = t.UTC()
	return Month{t.Year(), t.Month()}
}

// Contains reports whether instant t falls in m (UTC).
func (m Month) Contains(t time.Time) bool { return !t.IsZero() && MonthOf(t) == m }

// HelperCount is how many threads a member helped with.
type HelperCount struct {
	UserID  string
	Threads int
}

// SupportStats is what /support stats shows.
type SupportStats struct {
	Open                    int           // threads not yet resolved (open or answered), now
	Unanswered              int           // open threads nobody has answered, now
	OldestUnanswered        time.Duration // age of the oldest unanswered thread at now; 0 if none
	Answered                int           // threads first answered during the month: the median's sample
	MedianTimeToFirstAnswer time.Duration // over those threads; 0 if none
	TopHelpers              []HelperCount // up to TopHelperCount, most threads first
}

// Stats computes support statistics at now for month. Open and Unanswered
// describe the present; the median and the helpers describe month:
//
//   - MedianTimeToFirstAnswer: over threads whose first answer came during
//     month (the mean of the two middle values for an even count).
//   - TopHelpers: a member helped with a thread when they gave its first
//     answer during month, or were credited when it was resolved during month;
//     doing both on one thread counts once. Ties are broken by user ID.
func Stats(threads []Thread, now time.Time, month Month) SupportStats {
	var st SupportStats
	var waits []time.Duration
	helped := map[string]int{}
	for _, t := range threads {
		if t.State != Resolved {
			st.Open++
		}
		if t.State == Open && t.FirstAnswerAt.IsZero() {
			st.Unanswered++
			st.OldestUnanswered = max(st.OldestUnanswered, now.Sub(t.CreatedAt))
		}
		if month.Contains(t.FirstAnswerAt) {
			waits = append(waits, t.FirstAnswerAt.Sub(t.CreatedAt))
		}
		var helpers [2]string
		if month.Contains(t.FirstAnswerAt) {
			helpers[0] = t.FirstAnswerBy
		}
		if t.State == Resolved && month.Contains(t.ResolvedAt) && t.HelperID != helpers[0] {
			helpers[1] = t.HelperID
		}
		for _, h := range helpers {
			if h != "" && h != t.AskerID {
				helped[h]++
			}
		}
	}
	st.Answered = len(waits)
	st.MedianTimeToFirstAnswer = median(waits)
	for id, n := range helped {
		st.TopHelpers = append(st.TopHelpers, HelperCount{UserID: id, Threads: n})
	}
	slices.SortFunc(st.TopHelpers, func(a, b HelperCount) int {
		return cmp.Or(b.Threads-a.Threads, strings.Compare(a.UserID, b.UserID))
	})
	if len(st.TopHelpers) > TopHelperCount {
		st.TopHelpers = st.TopHelpers[:TopHelperCount]
	}
	return st
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	mid := len(ds) / 2
	if len(ds)%2 == 1 {
		return ds[mid]
	}
	return ds[mid-1] + (ds[mid]-ds[mid-1])/2
}
