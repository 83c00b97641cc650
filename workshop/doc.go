// Package workshop is the domain of live peer-learning workshops: the
// curriculum format (parse, validate, lint, timeline), runs and their state
// machine, and group formation.
//
// It imports only the standard library and BurntSushi/toml, never discordgo,
// sqlx or pq: the adapters in db, discord and commands depend on it, not the
// other way round.
package workshop
