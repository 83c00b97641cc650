package db

import "github.com/roundtable-bot/roundtable/accountability"

// The accountability stores are the Postgres side of the accountability
// Service's ports: a change to either side that breaks the match fails the
// build here rather than at wiring time in cmd.
var (
	_ accountability.ChannelStore  = (*AccountabilityChannelStore)(nil)
	_ accountability.CheckinStore  = (*CheckinStore)(nil)
	_ accountability.AwayStore     = (*AwayStore)(nil)
	_ accountability.MemberZones   = (*MemberZoneStore)(nil)
	_ accountability.ReminderStore = (*ReminderStore)(nil)
	_ accountability.SupportStore  = (*SupportStore)(nil)
	_ accountability.DigestStore   = (*DigestStore)(nil)
)
