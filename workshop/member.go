package workshop

import (
	"context"
	"strings"
	"time"
)

// Experience is how much a member has already done of what workshops
// practise; group formation mixes levels. The zero value means "not told".
type Experience string

const (
	ExperienceNew         Experience = "new"
	ExperienceSome        Experience = "some"
	ExperienceExperienced Experience = "experienced"
)

// Validate accepts the three levels; "" (not told) is not a level to set.
func (e Experience) Validate() error {
	switch e {
	case ExperienceNew, ExperienceSome, ExperienceExperienced:
		return nil
	}
	return Errorf(EINVALID, "Experience must be one of new, some or experienced, not %q.", string(e))
}

// MaxDisplayNameLength bounds a stored display name (Discord's own limit is 32).
const MaxDisplayNameLength = 100

// Member is a person in one guild, as Roundtable knows them. The same Discord
// user in two guilds is two Members.
type Member struct {
	GuildID     string
	UserID      string
	DisplayName string
	// TimeZone is an IANA name such as "Europe/Berlin"; "" until the member
	// sets it. Streak days and reminders use it.
	TimeZone   string
	Experience Experience // "" until the member tells
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Validate checks the fields a store will write.
func (m *Member) Validate() error {
	switch {
	case m.GuildID == "":
		return Errorf(EINVALID, "A member needs a guild.")
	case m.UserID == "":
		return Errorf(EINVALID, "A member needs a user ID.")
	case len([]rune(m.DisplayName)) > MaxDisplayNameLength:
		return Errorf(EINVALID, "A display name may have at most %d characters.", MaxDisplayNameLength)
	}
	if m.TimeZone != "" {
		if err := ValidateTimeZone(m.TimeZone); err != nil {
			return err
		}
	}
	if m.Experience != "" {
		return m.Experience.Validate()
	}
	return nil
}

// Location returns the member's time zone, UTC when they have not set one.
func (m *Member) Location() *time.Location {
	loc, err := loadZone(m.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// ValidateTimeZone accepts IANA zone names ("Europe/Berlin", "UTC"). It
// rejects "" and "Local", which would mean the bot's zone, not the
// member's. The binary imports time/tzdata, so the answer does not depend on
// the host's zone files.
func ValidateTimeZone(zone string) error {
	if _, err := loadZone(zone); err != nil {
		return Errorf(EINVALID, "%q is not a time zone name; use one like Europe/Berlin or America/New_York.", zone)
	}
	return nil
}

func loadZone(zone string) (*time.Location, error) {
	if zone == "" || strings.EqualFold(zone, "Local") {
		return nil, Errorf(EINVALID, "no time zone")
	}
	return time.LoadLocation(zone)
}

// MemberService keeps members and their preferences. Guild and member rows
// are created on first use, so callers need not order their calls.
type MemberService interface {
	// UpsertMember records that the user is a member of the guild, with their
	// current display name, creating the guild and member as needed; time
	// zone and experience are kept. Returns EINVALID for empty IDs or an
	// overlong name, EUNAVAILABLE when the database is unreachable.
	UpsertMember(ctx context.Context, guildID, userID, displayName string) (*Member, error)

	// FindMember returns the member. Returns ENOTFOUND if Roundtable has not
	// seen them in that guild, EUNAVAILABLE when the database is unreachable.
	FindMember(ctx context.Context, guildID, userID string) (*Member, error)

	// SetTimeZone stores the member's IANA time zone. Returns EINVALID for
	// a name that is not an IANA zone (see ValidateTimeZone), EUNAVAILABLE
	// when the database is unreachable.
	SetTimeZone(ctx context.Context, guildID, userID, zone string) (*Member, error)

	// SetExperience stores the member's experience level. Returns EINVALID
	// for anything but the three levels, EUNAVAILABLE when the database is
	// unreachable.
	SetExperience(ctx context.Context, guildID, userID string, level Experience) (*Member, error)
}

// MaxHostRoles bounds the roles allowed to host (Discord's select menus offer 25).
const MaxHostRoles = 25

// GuildSettings are a guild's Roundtable settings.
type GuildSettings struct {
	GuildID string
	// HostRoles are role IDs whose members may host workshops, besides the
	// server's administrators.
	HostRoles []string
	// Locale is a Discord locale ("en-US") for posts to the whole guild.
	Locale    string
	CreatedAt time.Time
}

// Validate checks the settings a store will write.
func (s *GuildSettings) Validate() error {
	switch {
	case s.GuildID == "":
		return Errorf(EINVALID, "Guild settings need a guild.")
	case s.Locale == "":
		return Errorf(EINVALID, "Guild settings need a locale.")
	}
	return ValidateHostRoles(s.HostRoles)
}

// ValidateHostRoles checks a list of host role IDs.
func ValidateHostRoles(roleIDs []string) error {
	if len(roleIDs) > MaxHostRoles {
		return Errorf(EINVALID, "At most %d roles may host workshops.", MaxHostRoles)
	}
	for _, r := range roleIDs {
		if r == "" {
			return Errorf(EINVALID, "A host role needs an ID.")
		}
	}
	return nil
}

// CanHost reports whether a member holding roleIDs may host by role (the
// caller checks administrator permissions separately).
func (s *GuildSettings) CanHost(roleIDs []string) bool {
	for _, have := range roleIDs {
		for _, want := range s.HostRoles {
			if have == want {
				return true
			}
		}
	}
	return false
}

// GuildService keeps guild settings.
type GuildService interface {
	// EnsureGuild returns the guild's settings, creating the guild with
	// defaults (no host roles, locale en-US) on first use. Returns EINVALID
	// for an empty ID, EUNAVAILABLE when the database is unreachable.
	EnsureGuild(ctx context.Context, guildID string) (*GuildSettings, error)

	// FindGuildSettings returns the guild's settings. Returns ENOTFOUND for
	// a guild Roundtable has not seen, EUNAVAILABLE when the database is
	// unreachable.
	FindGuildSettings(ctx context.Context, guildID string) (*GuildSettings, error)

	// SetHostRoles replaces the roles whose members may host, creating the
	// guild if needed; duplicates are dropped. Returns EINVALID for an empty
	// role ID or more than MaxHostRoles roles, EUNAVAILABLE when the
	// database is unreachable.
	SetHostRoles(ctx context.Context, guildID string, roleIDs []string) (*GuildSettings, error)
}
