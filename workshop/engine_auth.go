package workshop

// Actor is the member behind an action, as the interaction that carried it
// describes them.
type Actor struct {
	UserID  string
	RoleIDs []string
	// ManageEvents is true when the member has Discord's Manage Events
	// permission (or Administrator) in the run's channel.
	ManageEvents bool
}

// CanHost reports whether the actor may host workshops in a guild whose
// host roles are hostRoles: they hold one of those roles or may manage
// events.
func CanHost(a Actor, hostRoles []string) bool {
	if a.ManageEvents {
		return true
	}
	s := GuildSettings{HostRoles: hostRoles}
	return s.CanHost(a.RoleIDs)
}

// Authorize checks, on every host action, that the actor may control the
// run: its host, or anyone who may host workshops in the guild (so a
// co-host can take over). action is the verb for the message, e.g.
// "pause". Errors: EFORBIDDEN with a message saying who may.
func (r *Run) Authorize(a Actor, hostRoles []string, action string) error {
	if a.UserID != "" && (a.UserID == r.HostID || CanHost(a, hostRoles)) {
		return nil
	}
	return Errorf(EFORBIDDEN, "Only the workshop's hosts can %s it. Hosts have one of the server's host roles or the Manage Events permission.", action)
}
