package accountability

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"
)

// MemoryStore implements every store port of the Service (ChannelStore,
// CheckinStore, AwayStore, MemberZones, ReminderStore, SupportStore,
// DigestStore) in memory, with the same rules as the Postgres stores:
// one check-in per member, channel and local date; each prompt, reminder,
// digest and nudge handed to one caller, with the same leases. It serves
// tests of the Service and of its adapters, where a real database would only
// slow them down; it keeps nothing across restarts.
type MemoryStore struct {
	// Now is the clock used where a Postgres store reads its own (Set
	// scheduling from now, claim leases); nil means time.Now.
	Now func() time.Time

	mu        sync.Mutex
	channels  map[string]*memChannel
	prompts   map[memPromptKey]*memPrompt
	checkins  map[CheckinKey]StoredCheckin
	away      map[ReminderKey][]AwayPeriod
	zones     map[ReminderKey]*time.Location
	reminders map[ReminderKey]*memReminder
	support   map[string]SupportSettings
	threads   map[string]Thread
	digests   map[memDigestKey]*memDigest
}

type memChannel struct {
	settings     ChannelSettings
	createdBy    string
	nextPromptAt time.Time // zero: nothing scheduled
}

type memPromptKey struct {
	channelID string
	date      Date
}

type memPrompt struct {
	dueAt        time.Time
	claimedUntil time.Time
	messageID    string
}

type memReminder struct {
	settings     ReminderSettings
	next         time.Time
	claimedDue   time.Time
	lastReminded Date
}

type memDigestKey struct {
	channelID string
	week      ISOWeek
}

type memDigest struct {
	claimedUntil time.Time
	messageID    string
}

// Leases and staleness, as the Postgres stores have them.
const (
	memPromptLease   = 2 * time.Minute
	memStalePrompt   = time.Hour
	memReminderLease = 5 * time.Minute
	memDigestLease   = 10 * time.Minute
)

// NewMemoryStore returns an empty store reading the clock now (nil: time.Now).
func NewMemoryStore(now func() time.Time) *MemoryStore {
	return &MemoryStore{
		Now:       now,
		channels:  map[string]*memChannel{},
		prompts:   map[memPromptKey]*memPrompt{},
		checkins:  map[CheckinKey]StoredCheckin{},
		away:      map[ReminderKey][]AwayPeriod{},
		zones:     map[ReminderKey]*time.Location{},
		reminders: map[ReminderKey]*memReminder{},
		support:   map[string]SupportSettings{},
		threads:   map[string]Thread{},
		digests:   map[memDigestKey]*memDigest{},
	}
}

// The ports share method names (Get, SetZone), so each is a view of the
// one store.
type (
	memChannels  struct{ *MemoryStore }
	memCheckins  struct{ *MemoryStore }
	memAway      struct{ *MemoryStore }
	memZones     struct{ *MemoryStore }
	memReminders struct{ *MemoryStore }
	memSupport   struct{ *MemoryStore }
	memDigests   struct{ *MemoryStore }
)

// Channels returns the store as a ChannelStore.
func (m *MemoryStore) Channels() ChannelStore { return memChannels{m} }

// Checkins returns the store as a CheckinStore.
func (m *MemoryStore) Checkins() CheckinStore { return memCheckins{m} }

// Away returns the store as an AwayStore.
func (m *MemoryStore) Away() AwayStore { return memAway{m} }

// Zones returns the store as MemberZones.
func (m *MemoryStore) Zones() MemberZones { return memZones{m} }

// Reminders returns the store as a ReminderStore.
func (m *MemoryStore) Reminders() ReminderStore { return memReminders{m} }

// Support returns the store as a SupportStore.
func (m *MemoryStore) Support() SupportStore { return memSupport{m} }

// Digests returns the store as a DigestStore.
func (m *MemoryStore) Digests() DigestStore { return memDigests{m} }

// Wire sets every store port of s to this store.
func (m *MemoryStore) Wire(s *Service) {
	s.Channels, s.Checkins, s.Away, s.Zones = m.Channels(), m.Checkins(), m.Away(), m.Zones()
	s.Reminders, s.Support, s.Digests = m.Reminders(), m.Support(), m.Digests()
}

func (m *MemoryStore) now() time.Time {
	if m.Now != nil {
		return m.Now().UTC()
	}
	return time.Now().UTC()
}

func notFound(what string) error { return Errorf(ENOTFOUND, "No such %s.", what) }

// Setup implements ChannelStore.
func (m memChannels) Setup(_ context.Context, s ChannelSettings, createdBy string) (ChannelSettings, error) {
	if err := s.Validate(); err != nil {
		return ChannelSettings{}, err
	}
	if createdBy == "" {
		return ChannelSettings{}, Errorf(EINVALID, "Setting up a channel needs the admin who did it.")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.channels[s.ChannelID]
	if ok && c.settings.GuildID != s.GuildID {
		return ChannelSettings{}, Errorf(ECONFLICT, "That channel is set up in another server.")
	}
	if !ok {
		c = &memChannel{createdBy: createdBy}
		m.channels[s.ChannelID] = c
	}
	now := m.now()
	c.settings = s
	c.nextPromptAt, _ = NextPrompt(now, s)
	for _, r := range m.reminders { // the cadence may have changed
		if r.settings.ChannelID == s.ChannelID && !r.next.IsZero() && r.claimedDue.IsZero() {
			r.next = NextReminder(now, r.settings.Zone, r.settings.At, s.Cadence)
		}
	}
	return s, nil
}

// Get implements ChannelStore.
func (m memChannels) Get(_ context.Context, guildID, channelID string) (ChannelSettings, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.channels[channelID]
	if !ok || c.settings.GuildID != guildID {
		return ChannelSettings{}, notFound("accountability channel")
	}
	return c.settings, nil
}

// ListByGuild implements ChannelStore.
func (m memChannels) ListByGuild(_ context.Context, guildID string) ([]ChannelSettings, error) {
	return m.listChannels(func(s ChannelSettings) bool { return s.GuildID == guildID }), nil
}

// ListAll implements ChannelStore.
func (m memChannels) ListAll(context.Context) ([]ChannelSettings, error) {
	return m.listChannels(func(ChannelSettings) bool { return true }), nil
}

func (m memChannels) listChannels(keep func(ChannelSettings) bool) []ChannelSettings {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []ChannelSettings
	for _, c := range m.channels {
		if keep(c.settings) {
			out = append(out, c.settings)
		}
	}
	slices.SortFunc(out, func(a, b ChannelSettings) int { return cmp.Compare(a.ChannelID, b.ChannelID) })
	return out
}

// SetPaused implements ChannelStore.
func (m memChannels) SetPaused(_ context.Context, guildID, channelID string, paused bool) (ChannelSettings, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.channels[channelID]
	if !ok || c.settings.GuildID != guildID {
		return ChannelSettings{}, notFound("accountability channel")
	}
	c.settings.Paused = paused
	c.nextPromptAt, _ = NextPrompt(m.now(), c.settings)
	return c.settings, nil
}

// Remove implements ChannelStore.
func (m memChannels) Remove(_ context.Context, guildID, channelID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.channels[channelID]
	if !ok || c.settings.GuildID != guildID {
		return notFound("accountability channel")
	}
	delete(m.channels, channelID)
	for k := range m.checkins {
		if k.ChannelID == channelID {
			delete(m.checkins, k)
		}
	}
	for k := range m.prompts {
		if k.channelID == channelID {
			delete(m.prompts, k)
		}
	}
	for k := range m.digests {
		if k.channelID == channelID {
			delete(m.digests, k)
		}
	}
	for k, r := range m.reminders {
		if r.settings.ChannelID == channelID {
			delete(m.reminders, k)
		}
	}
	return nil
}

// DuePrompts implements ChannelStore.
func (m memChannels) DuePrompts(_ context.Context, now time.Time, limit int) ([]DuePrompt, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var due []*memChannel
	for _, c := range m.channels {
		if !c.nextPromptAt.IsZero() && !c.nextPromptAt.After(now) {
			due = append(due, c)
		}
	}
	slices.SortFunc(due, func(a, b *memChannel) int { return a.nextPromptAt.Compare(b.nextPromptAt) })
	var out []DuePrompt
	for _, c := range due[:min(limit, len(due))] {
		at := c.nextPromptAt
		next, _ := NextPrompt(at, c.settings)
		if now.Sub(at) > memStalePrompt {
			next, _ = NextPrompt(now, c.settings)
		} else {
			key := memPromptKey{c.settings.ChannelID, LocalDate(at, c.settings.Zone)}
			if _, taken := m.prompts[key]; !taken {
				m.prompts[key] = &memPrompt{dueAt: at, claimedUntil: now.Add(memPromptLease)}
				out = append(out, DuePrompt{Channel: c.settings, Date: key.date, DueAt: at})
			}
		}
		c.nextPromptAt = next
	}
	for key, p := range m.prompts { // claims whose lease ran out unposted
		c, ok := m.channels[key.channelID]
		if ok && !c.settings.Paused && p.messageID == "" && !p.claimedUntil.After(now) && now.Sub(p.dueAt) < memStalePrompt {
			p.claimedUntil = now.Add(memPromptLease)
			out = append(out, DuePrompt{Channel: c.settings, Date: key.date, DueAt: p.dueAt})
		}
	}
	return out, nil
}

// SetPromptMessage implements ChannelStore.
func (m memChannels) SetPromptMessage(_ context.Context, channelID string, date Date, messageID string) error {
	if messageID == "" {
		return Errorf(EINVALID, "A posted prompt needs its message ID.")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.prompts[memPromptKey{channelID, date}]
	if !ok {
		return notFound("check-in prompt")
	}
	p.messageID, p.claimedUntil = messageID, time.Time{}
	return nil
}

// Upsert implements CheckinStore.
func (m memCheckins) Upsert(_ context.Context, c Checkin) (Recorded, error) {
	in, err := c.CheckinInput.Normalize()
	if err != nil {
		return Recorded{}, err
	}
	if c.GuildID == "" || c.ChannelID == "" || c.UserID == "" || c.Date.IsZero() || c.Zone == "" || c.At.IsZero() {
		return Recorded{}, Errorf(EINVALID, "A check-in needs a server, a channel, a member, a date, a zone and a time.")
	}
	c.CheckinInput = in
	m.mu.Lock()
	defer m.mu.Unlock()
	if ch, ok := m.channels[c.ChannelID]; !ok || ch.settings.GuildID != c.GuildID {
		return Recorded{}, Errorf(ENOTFOUND, "This channel is not set up for check-ins.")
	}
	old, existed := m.checkins[c.Key()]
	m.checkins[c.Key()] = StoredCheckin{Checkin: c, MessageID: old.MessageID}
	return Recorded{
		Created: !existed, MessageID: old.MessageID,
		Days: m.daysLocked(c.GuildID, c.UserID, c.ChannelID),
		Away: slices.Clone(m.away[ReminderKey{c.GuildID, c.UserID}]),
	}, nil
}

// SetMessageID implements CheckinStore.
func (m memCheckins) SetMessageID(_ context.Context, key CheckinKey, messageID string) error {
	if messageID == "" {
		return Errorf(EINVALID, "A posted check-in needs its message ID.")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.checkins[key]
	if !ok {
		return notFound("check-in")
	}
	c.MessageID = messageID
	m.checkins[key] = c
	return nil
}

// Get implements CheckinStore.
func (m memCheckins) Get(_ context.Context, key CheckinKey) (StoredCheckin, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.checkins[key]
	if !ok {
		return StoredCheckin{}, notFound("check-in")
	}
	return c, nil
}

// Days implements CheckinStore.
func (m memCheckins) Days(_ context.Context, guildID, userID, channelID string) ([]CheckinDay, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.daysLocked(guildID, userID, channelID), nil
}

func (m memCheckins) daysLocked(guildID, userID, channelID string) []CheckinDay {
	seen := map[Date]bool{}
	for k, c := range m.checkins {
		if c.GuildID == guildID && k.UserID == userID && (channelID == "" || k.ChannelID == channelID) {
			seen[k.Date] = true
		}
	}
	return sortedDays(seen)
}

func sortedDays(seen map[Date]bool) []CheckinDay {
	out := make([]CheckinDay, 0, len(seen))
	for d := range seen {
		out = append(out, CheckinDay{Date: d})
	}
	slices.SortFunc(out, func(a, b CheckinDay) int { return a.Date.Compare(b.Date) })
	return out
}

// ChannelDays implements CheckinStore.
func (m memCheckins) ChannelDays(_ context.Context, channelID string, since Date) (map[string][]CheckinDay, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := map[string]map[Date]bool{}
	for k := range m.checkins {
		if k.ChannelID == channelID && !k.Date.Before(since) {
			if seen[k.UserID] == nil {
				seen[k.UserID] = map[Date]bool{}
			}
			seen[k.UserID][k.Date] = true
		}
	}
	out := make(map[string][]CheckinDay, len(seen))
	for u, days := range seen {
		out[u] = sortedDays(days)
	}
	return out, nil
}

// ForWeek implements CheckinStore. Names are left empty: the memory store
// keeps no display names, and the digest then shows mentions.
func (m memCheckins) ForWeek(_ context.Context, channelID string, week ISOWeek) ([]DigestCheckin, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []DigestCheckin
	earlier := map[string]Checkin{}
	for k, c := range m.checkins {
		switch {
		case k.ChannelID != channelID || k.Date.After(week.Sunday()):
		case week.Contains(k.Date):
			out = append(out, DigestCheckin{UserID: c.UserID, Date: c.Date, Blockers: c.Blockers, Mood: c.Mood})
		default:
			if e, ok := earlier[k.UserID]; !ok || c.Date.After(e.Date) {
				earlier[k.UserID] = c.Checkin
			}
		}
	}
	for _, c := range earlier {
		out = append(out, DigestCheckin{UserID: c.UserID, Date: c.Date, Blockers: c.Blockers, Mood: c.Mood})
	}
	slices.SortFunc(out, func(a, b DigestCheckin) int { return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.UserID, b.UserID)) })
	return out, nil
}

// Add implements AwayStore.
func (m memAway) Add(_ context.Context, guildID, userID string, p AwayPeriod) error {
	if p.From.IsZero() || p.Until.Before(p.From) {
		return Errorf(EINVALID, "An away period must end on or after the day it starts.")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	key := ReminderKey{guildID, userID}
	m.away[key] = append(m.away[key], p)
	slices.SortFunc(m.away[key], func(a, b AwayPeriod) int { return a.From.Compare(b.From) })
	return nil
}

// List implements AwayStore.
func (m memAway) List(_ context.Context, guildID, userID string) ([]AwayPeriod, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.away[ReminderKey{guildID, userID}]), nil
}

// ByGuild implements AwayStore.
func (m memAway) ByGuild(_ context.Context, guildID string, since Date) (map[string][]AwayPeriod, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string][]AwayPeriod{}
	for k, ps := range m.away {
		for _, p := range ps {
			if k.GuildID == guildID && !p.Until.Before(since) {
				out[k.UserID] = append(out[k.UserID], p)
			}
		}
	}
	return out, nil
}

// Zone implements MemberZones.
func (m memZones) Zone(_ context.Context, guildID, userID string) (*time.Location, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	z, ok := m.zones[ReminderKey{guildID, userID}]
	if !ok {
		return nil, notFound("time zone")
	}
	return z, nil
}

// SetZone implements MemberZones.
func (m memZones) SetZone(_ context.Context, guildID, userID string, zone *time.Location) error {
	if zone == nil {
		return Errorf(EINVALID, "Please give a time zone.")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.zones[ReminderKey{guildID, userID}] = zone
	return nil
}

// Set implements ReminderStore.
func (m memReminders) Set(_ context.Context, r ReminderSettings) (Reminder, error) {
	if err := r.At.Validate(); err != nil {
		return Reminder{}, err
	}
	if r.GuildID == "" || r.UserID == "" {
		return Reminder{}, Errorf(EINVALID, "Reminders only work inside a server.")
	}
	if r.Enabled && (r.ChannelID == "" || r.Zone == nil) {
		return Reminder{}, Errorf(EINVALID, "To get reminders, set your time zone and pick an accountability channel.")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	key := ReminderKey{r.GuildID, r.UserID}
	rec, ok := m.reminders[key]
	if !ok {
		rec = &memReminder{}
	}
	var next time.Time
	if r.Enabled {
		ch, ok := m.channels[r.ChannelID]
		if !ok || ch.settings.GuildID != r.GuildID {
			return Reminder{}, Errorf(ENOTFOUND, "That channel is not set up for check-ins: pick an accountability channel.")
		}
		next = NextReminder(m.now(), r.Zone, r.At, ch.settings.Cadence)
	}
	if r.ChannelID == "" { // as the SQL's COALESCE: keep what was stored
		r.ChannelID = rec.settings.ChannelID
	}
	if r.Zone == nil {
		r.Zone = rec.settings.Zone
	}
	rec.settings, rec.next, rec.claimedDue = r, next, time.Time{}
	m.reminders[key] = rec
	return rec.reminder(), nil
}

func (r *memReminder) reminder() Reminder {
	return Reminder{ReminderSettings: r.settings, NextAt: r.next, LastRemindedOn: r.lastReminded}
}

// SetZone implements ReminderStore.
func (m memReminders) SetZone(ctx context.Context, key ReminderKey, zone *time.Location) (Reminder, error) {
	if zone == nil {
		return Reminder{}, Errorf(EINVALID, "Please give a time zone.")
	}
	r, err := m.Get(ctx, key)
	if err != nil {
		return Reminder{}, err
	}
	r.Zone = zone
	return m.Set(ctx, r.ReminderSettings)
}

// Get implements ReminderStore.
func (m memReminders) Get(_ context.Context, key ReminderKey) (Reminder, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.reminders[key]
	if !ok {
		return Reminder{}, notFound("reminder")
	}
	return r.reminder(), nil
}

// ClaimDue implements ReminderStore.
func (m memReminders) ClaimDue(_ context.Context, now time.Time, limit int) ([]DueReminder, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	type due struct {
		key ReminderKey
		rec *memReminder
	}
	var ds []due
	for k, r := range m.reminders {
		if !r.next.IsZero() && !r.next.After(now) {
			ds = append(ds, due{k, r})
		}
	}
	slices.SortFunc(ds, func(a, b due) int { return a.rec.next.Compare(b.rec.next) })
	var out []DueReminder
	for _, d := range ds[:min(limit, len(ds))] {
		ch, ok := m.channels[d.rec.settings.ChannelID]
		if !ok {
			continue
		}
		if d.rec.claimedDue.IsZero() {
			d.rec.claimedDue = d.rec.next
		}
		d.rec.next = now.Add(memReminderLease)
		var last Date
		for k := range m.checkins {
			if k.ChannelID == d.rec.settings.ChannelID && k.UserID == d.key.UserID && k.Date.After(last) {
				last = k.Date
			}
		}
		out = append(out, DueReminder{
			Key: d.key, ChannelID: d.rec.settings.ChannelID, Zone: orUTC(d.rec.settings.Zone), At: d.rec.settings.At,
			Cadence: ch.settings.Cadence, ChannelPaused: ch.settings.Paused, DueAt: d.rec.claimedDue,
			LastRemindedOn: d.rec.lastReminded, LastCheckin: last, Away: slices.Clone(m.away[d.key]),
		})
	}
	return out, nil
}

// Settle implements ReminderStore.
func (m memReminders) Settle(_ context.Context, outcomes []ReminderOutcome) ([]ReminderKey, error) {
	for _, o := range outcomes {
		if o.Remind && o.LocalDate.IsZero() {
			return nil, Errorf(EINVALID, "A reminder needs the date it is for.")
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var send []ReminderKey
	for _, o := range outcomes {
		r, ok := m.reminders[o.Key]
		if !ok {
			continue
		}
		if o.Remind && r.settings.Enabled && (r.lastReminded.IsZero() || r.lastReminded.Before(o.LocalDate)) {
			r.lastReminded = o.LocalDate
			send = append(send, o.Key)
		}
		if !r.claimedDue.IsZero() {
			r.next = o.Next
		}
		r.claimedDue = time.Time{}
	}
	return send, nil
}

// SetSettings implements SupportStore.
func (m memSupport) SetSettings(_ context.Context, st SupportSettings) (SupportSettings, error) {
	if st.GuildID == "" || st.ChannelID == "" {
		return SupportSettings{}, Errorf(EINVALID, "Please choose the support channel.")
	}
	st.NudgeAfter = st.NudgeAfter.Truncate(time.Second)
	if st.NudgeAfter < time.Second {
		return SupportSettings{}, Errorf(EINVALID, "The nudge delay must be positive, for example 24 hours.")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for g, other := range m.support {
		if g != st.GuildID && other.ChannelID == st.ChannelID {
			return SupportSettings{}, Errorf(ECONFLICT, "That channel is another server's support channel.")
		}
	}
	m.support[st.GuildID] = st
	return st, nil
}

// Settings implements SupportStore.
func (m memSupport) Settings(_ context.Context, guildID string) (SupportSettings, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st, ok := m.support[guildID]
	if !ok {
		return SupportSettings{}, notFound("support channel")
	}
	return st, nil
}

// Create implements SupportStore.
func (m memSupport) Create(_ context.Context, t Thread) error {
	if t.ThreadID == "" || t.GuildID == "" || t.AskerID == "" || t.CreatedAt.IsZero() {
		return Errorf(EINVALID, "A support thread needs its thread, server, asker and time.")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.threads[t.ThreadID]; ok {
		return Errorf(ECONFLICT, "That support thread is already recorded.")
	}
	m.threads[t.ThreadID] = t
	return nil
}

// Update implements SupportStore.
func (m memSupport) Update(_ context.Context, threadID string, change func(t *Thread) (bool, error)) (Thread, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.threads[threadID]
	if !ok {
		return Thread{}, notFound("support thread")
	}
	changed, err := change(&t)
	if err != nil {
		return Thread{}, err
	}
	if changed {
		m.threads[threadID] = t
	}
	return t, nil
}

// DueNudges implements SupportStore.
func (m memSupport) DueNudges(_ context.Context, now time.Time) ([]Thread, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Thread
	for id, t := range m.threads {
		st, ok := m.support[t.GuildID]
		if ok && NeedsNudge(t, st.NudgeAfter, now) {
			t.MarkNudged(now)
			m.threads[id] = t
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b Thread) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ThreadID, b.ThreadID))
	})
	return out, nil
}

// ListForStats implements SupportStore.
func (m memSupport) ListForStats(_ context.Context, guildID string, since time.Time) ([]Thread, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Thread
	recent := func(t time.Time) bool { return !t.IsZero() && !t.Before(since) }
	for _, t := range m.threads {
		if t.GuildID == guildID && (t.State != Resolved || recent(t.CreatedAt) || recent(t.FirstAnswerAt) || recent(t.ResolvedAt)) {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b Thread) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ThreadID, b.ThreadID))
	})
	return out, nil
}

// ClaimDigest implements DigestStore.
func (m memDigests) ClaimDigest(_ context.Context, channelID string, week ISOWeek) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.channels[channelID]; !ok {
		return false, notFound("accountability channel")
	}
	now := m.now()
	key := memDigestKey{channelID, week}
	d, ok := m.digests[key]
	switch {
	case !ok:
		m.digests[key] = &memDigest{claimedUntil: now.Add(memDigestLease)}
		return true, nil
	case d.messageID == "" && !d.claimedUntil.After(now):
		d.claimedUntil = now.Add(memDigestLease)
		return true, nil
	}
	return false, nil
}

// SetDigestMessage implements DigestStore.
func (m memDigests) SetDigestMessage(_ context.Context, channelID string, week ISOWeek, messageID string) error {
	if messageID == "" {
		return Errorf(EINVALID, "A posted digest needs its message ID.")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.digests[memDigestKey{channelID, week}]
	if !ok {
		return notFound("digest")
	}
	d.messageID = messageID
	return nil
}
