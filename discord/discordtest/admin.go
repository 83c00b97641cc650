package discordtest

import "fmt"

// GrantBotPermission adds bits to the bot's role in the seeded guild, as a
// server admin fixing the bot's permissions in the server settings would,
// and tells the gateway sessions (GUILD_ROLE_UPDATE). It undoes
// WithoutBotPermission while a test runs.
func (e *Emulator) GrantBotPermission(bits int64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	g, ok := e.st.guilds[e.seed.GuildID]
	if !ok {
		return fmt.Errorf("the seeded guild %s is gone", e.seed.GuildID)
	}
	for _, r := range g.roles {
		if r.ID == e.seed.BotRoleID {
			r.Permissions |= bits
			e.dispatchLocked("GUILD_ROLE_UPDATE", map[string]any{"guild_id": g.g.ID, "role": r})
			e.notifyLocked()
			return nil
		}
	}
	return fmt.Errorf("the bot's role %s is gone", e.seed.BotRoleID)
}
